namespace IpsApi.Core.Purge.Queue;

/// <summary>Reads the queue figures <see cref="BacklogEstimator"/> quotes from.</summary>
public interface IBacklogReader
{
    /// <summary>The URLs queued now, and those purged (Done) since <paramref name="since"/>.</summary>
    Task<Backlog> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>URLs waiting to be purged, and URLs purged within the drain-rate window.</summary>
public readonly record struct Backlog(long QueuedUrls, long DrainedUrls);
