using IpsApi.Core.Persistence;
using IpsApi.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Jobs;

/// <summary>
/// The job workers of this process (<see cref="JobOptions.Workers"/>; one on the embedded store), beside the
/// purge workers. They claim only kinds this process has a handler for.
/// </summary>
public sealed partial class JobWorkerService(
    IServiceScopeFactory scopes,
    JobSignal signal,
    DatabaseSettings settings,
    IEnumerable<IJobHandler> handlers,
    IOptions<JobOptions> options,
    ILogger<JobWorkerService> logger) : QueueWorkerService<Job>(scopes, logger)
{
    private readonly JobOptions options = options.Value;
    private readonly string[] kinds = [.. handlers.Select(h => h.Kind).Distinct(StringComparer.Ordinal)];

    public override int WorkerCount => kinds.Length == 0 ? 0 : settings.Provider == DatabaseProvider.Sqlite ? Math.Min(1, options.Workers) : options.Workers;

    protected override string WorkerName => "Job worker";

    protected override TimeSpan PollInterval => options.PollInterval;

    // Follow-ups are short; on shutdown they get the same few seconds a lease renewal takes.
    protected override TimeSpan DrainTimeout => options.Lease / 3;

    protected override Task<Job?> ClaimAsync(IServiceProvider services, CancellationToken stoppingToken) =>
        services.GetRequiredService<JobQueue>().ClaimAsync(kinds, stoppingToken);

    protected override Task ProcessAsync(IServiceProvider services, Job item, CancellationToken abort) =>
        services.GetRequiredService<JobProcessor>().ProcessAsync(item, abort);

    protected override string Describe(Job item) => $"job {item.Id} ({item.Kind})";

    protected override Task WaitForWorkAsync(TimeSpan timeout, CancellationToken stoppingToken) => signal.WaitAsync(timeout, stoppingToken);

    protected override void FoundWork() => signal.Pulse();

    protected override void OnStarted()
    {
        if (WorkerCount > 0)
        {
            LogStarted(logger, WorkerCount, string.Join(", ", kinds));
        }
    }

    [LoggerMessage(EventId = 4510, Level = LogLevel.Information, Message = "Job workers: {Workers}; kinds: {Kinds}")]
    private static partial void LogStarted(ILogger logger, int workers, string kinds);
}
