using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

/// <summary>
/// In a process that runs workers: makes sure a retention run is scheduled, at start and every
/// <see cref="RetentionOptions.Interval"/>. A first run is due one interval after it is scheduled, so that a
/// store's first start is not slowed by it.
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
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionSchedule>().EnsureScheduledAsync(clock.GetUtcNow() + settings.Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogNotScheduled(logger, e);
            }

            try
            {
                await Task.Delay(settings.Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 4521, Level = LogLevel.Warning, Message = "Retention: could not check that a run is scheduled; trying again after the interval")]
    private static partial void LogNotScheduled(ILogger logger, Exception exception);
}
