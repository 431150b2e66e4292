using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Queue;
using IpsApi.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Workers;

/// <summary>
/// The purge workers of this process: each claims one due batch at a time and takes it through
/// its tiers (<see cref="BatchProcessor"/>). On shutdown in-flight batches get
/// <see cref="PurgeOptions.DrainTimeout"/> to finish before they are released.
/// </summary>
public sealed partial class PurgeWorkerService(
    IServiceScopeFactory scopes,
    QueueSignal signal,
    DatabaseSettings settings,
    PurgeRouting routing,
    IOptions<PurgeOptions> options,
    ILogger<PurgeWorkerService> logger) : QueueWorkerService<NotificationBatch>(scopes, logger)
{
    private readonly PurgeOptions options = options.Value;

    /// <summary>Workers this process runs: the configured count on PostgreSQL, at most one on the embedded store.</summary>
    public override int WorkerCount => settings.Provider == DatabaseProvider.Sqlite ? Math.Min(1, options.Workers) : options.Workers;

    protected override string WorkerName => "Purge worker";

    protected override TimeSpan PollInterval => options.PollInterval;

    protected override TimeSpan DrainTimeout => options.DrainTimeout;

    protected override Task<NotificationBatch?> ClaimAsync(IServiceProvider services, CancellationToken stoppingToken) =>
        services.GetRequiredService<BatchQueue>().ClaimAsync(stoppingToken);

    protected override Task ProcessAsync(IServiceProvider services, NotificationBatch item, CancellationToken abort) =>
        services.GetRequiredService<BatchProcessor>().ProcessAsync(item, abort);

    protected override string Describe(NotificationBatch item) => $"batch {item.Id}";

    protected override Task WaitForWorkAsync(TimeSpan timeout, CancellationToken stoppingToken) => signal.WaitAsync(timeout, stoppingToken);

    protected override void FoundWork() => signal.Pulse();

    protected override void OnStarted() => LogStarted(logger, WorkerCount, routing.DescribeDefault());

    protected override void OnStopped() => LogStopped(logger, WorkerCount);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Purge workers: {Workers}; tiers by default: {Tiers}")]
    private static partial void LogStarted(ILogger logger, int workers, string tiers);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Purge workers stopped ({Workers})")]
    private static partial void LogStopped(ILogger logger, int workers);
}
