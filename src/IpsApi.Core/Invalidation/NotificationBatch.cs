namespace IpsApi.Core.Invalidation;

/// <summary>
/// Up to <see cref="InvalidationOptions.BatchSize"/> URLs of one request, purged together.
/// Workers claim batches with <c>FOR UPDATE SKIP LOCKED</c> on (<see cref="Status"/>, <see cref="NextAttemptAt"/>),
/// under a lease (<see cref="LeaseToken"/>, <see cref="LeaseExpiresAt"/>).
/// </summary>
public sealed class NotificationBatch
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    /// <summary>The request's company, kept here so a worker routes the batch without another read.</summary>
    public int CompanyId { get; set; }

    /// <summary>Position of the batch within its request, from 0.</summary>
    public int Sequence { get; set; }

    /// <summary>The URLs as the client sent them, in the order sent.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>
    /// What the providers purge for each of <see cref="Urls"/>, at the same position: its canonical
    /// form (see <see cref="Purge.PurgeTarget"/>), decided at accept. Empty when every URL of the batch
    /// is its own target, so that the usual batch stores its URLs once.
    /// </summary>
    public List<string> Targets { get; set; } = [];

    /// <summary><see cref="Urls"/>' count, kept beside them so that counting never reads the URLs themselves.</summary>
    public int UrlCount { get; set; }

    public string Status { get; set; } = InvalidationStatus.Received;

    public int Attempt { get; set; }

    /// <summary>
    /// Claims in a row that ended without any result written back: each one a worker that died or
    /// lost the batch mid-work. Reset by every recorded outcome.
    /// </summary>
    public int UnfinishedClaims { get; set; }

    public Guid? LeaseToken { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// Why the batch is being retried or why it failed: one line per URL, <c>code TAB url TAB reason</c>
    /// (see <see cref="Purge.BatchFailures"/>).
    /// </summary>
    public string? LastError { get; set; }

    /// <summary>Providers that have purged this batch already; a retry does not call them again.</summary>
    public List<string> DoneProviders { get; set; } = [];

    /// <summary>What the providers answered (e.g. Akamai's purgeId and supportId), one line each.</summary>
    public string? Receipts { get; set; }

    /// <summary>
    /// Follow-up jobs (<see cref="Jobs.FollowUpKinds"/>) to enqueue in the same transaction as the write that
    /// settles the batch, decided at accept (e.g. <c>mail</c> when the request asked for a confirmation).
    /// </summary>
    public List<string> FollowUps { get; set; } = [];

    /// <summary>When a CDN that accepted the purge expects it to have taken effect everywhere (its own estimate).</summary>
    public DateTimeOffset? SettlesAt { get; set; }
}
