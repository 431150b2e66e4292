using IpsApi.Core.Purge.Queue;

namespace IpsApi.Core.Jobs;

/// <summary>
/// Wakes an idle job worker of this process when jobs were enqueued here; job workers elsewhere find them
/// by polling. A latch of its own, so that waking job workers never takes a wake-up meant for a purge worker.
/// </summary>
public sealed class JobSignal
{
    private readonly QueueSignal latch = new();

    public void Pulse() => latch.Pulse();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => latch.WaitAsync(timeout, cancellationToken);
}
