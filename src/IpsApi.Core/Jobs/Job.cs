namespace IpsApi.Core.Jobs;

/// <summary>
/// A unit of follow-up work in the durable queue (table <c>jobs</c>): a confirmation mail, a completion
/// callback, … Its <see cref="Kind"/> names the <see cref="IJobHandler"/> that does it. Jobs are claimed
/// under a lease as purge batches are, and retried on their handler's own schedule.
/// </summary>
public sealed class Job
{
    public long Id { get; set; }

    /// <summary>The handler's <see cref="IJobHandler.Kind"/>.</summary>
    public required string Kind { get; set; }

    public int CompanyId { get; set; }

    /// <summary>The invalidation request the job follows up, if any.</summary>
    public long? RequestId { get; set; }

    /// <summary>The notification batch the job follows up, if any.</summary>
    public long? BatchId { get; set; }

    /// <summary>What the handler needs beyond the ids, as the handler wrote it (JSON).</summary>
    public string? Payload { get; set; }

    public string Status { get; set; } = JobStatus.Pending;

    /// <summary>Attempts that failed and were retried.</summary>
    public int Attempt { get; set; }

    /// <summary>Claims in a row that ended without a result (the worker died); reset by every recorded outcome.</summary>
    public int UnfinishedClaims { get; set; }

    public Guid? LeaseToken { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>What the last attempt ran into, while retrying or after failing.</summary>
    public string? LastError { get; set; }

    /// <summary>What the job did, once <see cref="JobStatus.Done"/> (e.g. "sent to 2 recipients", or why it was skipped).</summary>
    public string? Result { get; set; }
}

public static class JobStatus
{
    public const string Pending = "Pending";
    public const string Done = "Done";
    public const string Failed = "Failed";
}
