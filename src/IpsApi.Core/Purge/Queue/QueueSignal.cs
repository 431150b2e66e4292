namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// Wakes idle workers of this process when work may be waiting. <see cref="Pulse"/> wakes one
/// worker (which pulses again when it found work, so a burst fans out without a stampede);
/// <see cref="Announce"/> also asks other processes, through PostgreSQL <c>NOTIFY</c>. Signals
/// coalesce, and a lost one only delays: workers poll as well.
/// </summary>
public sealed class QueueSignal
{
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly SemaphoreSlim announcement = new(0, 1);

    /// <summary>New batches were stored: wake a local worker and tell other processes.</summary>
    public void Announce()
    {
        Pulse();
        Set(announcement);
    }

    /// <summary>Wakes one idle worker of this process, if any is waiting.</summary>
    public void Pulse() => Set(wake);

    /// <summary>Waits for a pulse or the poll interval, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => wake.WaitAsync(timeout, cancellationToken);

    /// <summary>For the notifier: completes once <see cref="Announce"/> has been called since the last time.</summary>
    public Task WaitForAnnouncementAsync(CancellationToken cancellationToken) => announcement.WaitAsync(cancellationToken);

    private static void Set(SemaphoreSlim latch)
    {
        try
        {
            if (latch.CurrentCount == 0)
            {
                latch.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another signal got there first; one pending is enough.
        }
    }
}
