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

    /// <summary>Position of the batch within its request, from 0.</summary>
    public int Sequence { get; set; }

    public List<string> Urls { get; set; } = [];

    public string Status { get; set; } = InvalidationStatus.Received;

    public int Attempt { get; set; }

    public Guid? LeaseToken { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? LastError { get; set; }
}
