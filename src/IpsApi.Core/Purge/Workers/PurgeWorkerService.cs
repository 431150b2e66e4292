using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Workers;

/// <summary>
/// The purge workers of this process: each claims one due batch at a time and takes it through
/// its tiers, then looks for the next; idle workers wait for a signal or the poll interval. On
/// shutdown no new batch is claimed, and in-flight ones get <see cref="PurgeOptions.DrainTimeout"/>
/// to finish before they are released.
/// </summary>
public sealed partial class PurgeWorkerService(
    IServiceScopeFactory scopes,
    QueueSignal signal,
    DatabaseSettings settings,
    PurgeRouting routing,
    IOptions<PurgeOptions> options,
    ILogger<PurgeWorkerService> logger) : BackgroundService
{
    private readonly PurgeOptions options = options.Value;

    /// <summary>Workers this process runs: the configured count on PostgreSQL, at most one on the embedded store.</summary>
    public int WorkerCount => settings.Provider == DatabaseProvider.Sqlite ? Math.Min(1, options.Workers) : options.Workers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, WorkerCount, routing.DescribeDefault());
        using var abort = new CancellationTokenSource();
        await using var drain = stoppingToken.Register(() => abort.CancelAfter(options.DrainTimeout));
        await Task.WhenAll(Enumerable.Range(1, WorkerCount).Select(n => Task.Run(() => RunAsync(n, stoppingToken, abort.Token), CancellationToken.None)));
        LogStopped(logger, WorkerCount);
    }

    private async Task RunAsync(int worker, CancellationToken stoppingToken, CancellationToken abort)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            NotificationBatch? batch;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                batch = await scope.ServiceProvider.GetRequiredService<BatchQueue>().ClaimAsync(stoppingToken);
                if (failures > 0)
                {
                    LogQueueBack(logger, worker);
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
                    LogClaimFailed(logger, worker, failures, e.Message);
                }

                await PauseAsync(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * failures)), stoppingToken);
                continue;
            }

            if (batch is null)
            {
                await PauseAsync(options.PollInterval, stoppingToken, wakeOnSignal: true);
                continue;
            }

            // There may be more: let another idle worker look while this one works.
            signal.Pulse();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BatchProcessor>().ProcessAsync(batch, abort);
            }
            catch (Exception e)
            {
                // Its lease runs out and another attempt takes it up; nothing is lost.
                LogBatchFailed(logger, e, worker, batch.Id);
            }
        }
    }

    private async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken, bool wakeOnSignal = false)
    {
        try
        {
            if (wakeOnSignal)
            {
                await signal.WaitAsync(delay, stoppingToken);
            }
            else
            {
                await Task.Delay(delay, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Purge workers: {Workers}; tiers by default: {Tiers}")]
    private static partial void LogStarted(ILogger logger, int workers, string tiers);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Purge workers stopped ({Workers})")]
    private static partial void LogStopped(ILogger logger, int workers);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Worker {Worker} cannot reach the queue ({Failures} tries): {Reason}")]
    private static partial void LogClaimFailed(ILogger logger, int worker, int failures, string reason);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Information, Message = "Worker {Worker} reaches the queue again")]
    private static partial void LogQueueBack(ILogger logger, int worker);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Error, Message = "Worker {Worker} could not finish batch {BatchId}; it will be taken up again when its lease ends")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int worker, long batchId);
}
