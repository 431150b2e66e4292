namespace IpsApi.Core.QueueView;

/// <summary>One purge batch (kind <c>purge</c>) or follow-up job (its kind: <c>mail</c>, <c>callback</c>, …) in the queue.</summary>
/// <param name="Kind"><see cref="QueueInspector.PurgeKind"/> for a batch, else the job's kind.</param>
/// <param name="Id">The batch's or the job's id.</param>
/// <param name="CompanyId">The company whose work it is.</param>
/// <param name="RequestId">The invalidation request it belongs to or follows up, if any.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Attempt">Failed attempts so far.</param>
/// <param name="NextAttemptAt">When it is due (a leased one: when its lease runs out).</param>
/// <param name="CompletedAt">When it failed, for a failed one.</param>
/// <param name="LastError">What the last attempt ran into, if anything.</param>
public sealed record QueueItem(
    string Kind,
    long Id,
    int CompanyId,
    long? RequestId,
    QueueState State,
    int Attempt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? CompletedAt,
    string? LastError);
