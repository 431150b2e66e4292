using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Workers;

/// <summary>
/// Workers over one durable queue: each claims one due item at a time and works it, then looks for the
/// next; idle workers wait for a wake-up or the poll interval. A store that cannot be reached is retried a
/// little slower each time. On shutdown no new item is claimed, and items in flight get the drain timeout
/// (their cancellation token fires only then) to finish. The purge workers and the follow-up job workers
/// are two of these, so that a slow follow-up never holds a purge up.
/// </summary>
public abstract partial class QueueWorkerService<TItem>(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
    where TItem : class
{
    /// <summary>What the log calls these workers, e.g. "Purge worker".</summary>
    protected abstract string WorkerName { get; }

    public abstract int WorkerCount { get; }

    protected abstract TimeSpan PollInterval { get; }

    protected abstract TimeSpan DrainTimeout { get; }

    /// <summary>Claims the next due item under a lease, or null when none is due.</summary>
    protected abstract Task<TItem?> ClaimAsync(IServiceProvider services, CancellationToken stoppingToken);

    /// <summary>Works a claimed item; <paramref name="abort"/> fires when the drain timeout has passed on shutdown.</summary>
    protected abstract Task ProcessAsync(IServiceProvider services, TItem item, CancellationToken abort);

    /// <summary>How the log names an item, e.g. "batch 12".</summary>
    protected abstract string Describe(TItem item);

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>.</summary>
    protected abstract Task WaitForWorkAsync(TimeSpan timeout, CancellationToken stoppingToken);

    /// <summary>Called when a worker found an item: there may be more, so another idle worker may look.</summary>
    protected abstract void FoundWork();

    protected virtual void OnStarted()
    {
    }

    protected virtual void OnStopped()
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OnStarted();
        using var abort = new CancellationTokenSource();
        await using var drain = stoppingToken.Register(() => abort.CancelAfter(DrainTimeout));
        await Task.WhenAll(Enumerable.Range(1, WorkerCount).Select(n => Task.Run(() => RunAsync(n, stoppingToken, abort.Token), CancellationToken.None)));
        OnStopped();
    }

    private async Task RunAsync(int worker, CancellationToken stoppingToken, CancellationToken abort)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TItem? item;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                item = await ClaimAsync(scope.ServiceProvider, stoppingToken);
                if (failures > 0)
                {
                    LogQueueBack(logger, WorkerName, worker);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is unreachable (a restart, a failover): keep trying, a little slower each time.
                failures++;
                if (failures == 1 || failures % 30 == 0)
                {
                    LogClaimFailed(logger, WorkerName, worker, failures, e.Message);
                }

                await PauseAsync(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * failures)), stoppingToken);
                continue;
            }

            if (item is null)
            {
                try
                {
                    await WaitForWorkAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                }

                continue;
            }

            FoundWork();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await ProcessAsync(scope.ServiceProvider, item, abort);
            }
            catch (Exception e)
            {
                // Its lease runs out and another attempt takes it up; nothing is lost.
                LogItemFailed(logger, e, WorkerName, worker, Describe(item));
            }
        }
    }

    private static async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "{WorkerName} {Worker} cannot reach the queue ({Failures} tries): {Reason}")]
    private static partial void LogClaimFailed(ILogger logger, string workerName, int worker, int failures, string reason);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Information, Message = "{WorkerName} {Worker} reaches the queue again")]
    private static partial void LogQueueBack(ILogger logger, string workerName, int worker);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Error, Message = "{WorkerName} {Worker} could not finish {Item}; it will be taken up again when its lease ends")]
    private static partial void LogItemFailed(ILogger logger, Exception exception, string workerName, int worker, string item);
}
