namespace IpsApi.Core.Jobs;

/// <summary>The follow-up job kinds an invalidation can ask for, as stored in <see cref="Invalidation.NotificationBatch.FollowUps"/> (per batch) or enqueued when a request settles.</summary>
public static class FollowUpKinds
{
    /// <summary>The IPS confirmation mail: one per notification batch, once it is <c>Done</c>.</summary>
    public const string Mail = "mail";

    /// <summary>The company's completion callback: one per request, once its last batch has settled.</summary>
    public const string Callback = "callback";

    /// <summary>
    /// Not a follow-up of one request but the store's upkeep: deletes what is older than <c>Retention:Days</c>, then
    /// schedules its next run. One run waits at a time, so one node at a time does it.
    /// </summary>
    public const string Retention = "retention";
}
