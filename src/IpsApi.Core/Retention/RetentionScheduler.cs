using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

/// <summary>
/// In a process that runs workers: every <see cref="RetentionOptions.Interval"/> (the first time one interval after
/// start, so that short-lived processes and a store's first start are left alone), schedules a retention run due at
/// once unless one is waiting or running. Runs then schedule their successors; this restarts the chain should a run
/// end without scheduling one (the store was down).
/// </summary>
public sealed partial class RetentionScheduler(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<RetentionScheduler> logger) : BackgroundService
{
    private readonly RetentionOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.Interval, clock, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionSchedule>().EnsureScheduledAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogNotScheduled(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 4521, Level = LogLevel.Warning, Message = "Retention: could not check that a run is scheduled; trying again after the interval")]
    private static partial void LogNotScheduled(ILogger logger, Exception exception);
}
