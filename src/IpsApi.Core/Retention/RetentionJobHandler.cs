using IpsApi.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

/// <summary>
/// The <c>retention</c> job: one <see cref="RetentionSweep"/> run, then the next run scheduled, after
/// <see cref="RetentionOptions.Interval"/> when this one got through everything due, at once when it stopped at
/// <see cref="RetentionOptions.MaxRunTime"/>. A failed run is not retried: the next one comes on schedule.
/// </summary>
public sealed partial class RetentionJobHandler(IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionJobHandler> logger) : IJobHandler
{
    private readonly RetentionOptions settings = options.Value;

    public string Kind => FollowUpKinds.Retention;

    public JobSchedule Schedule => new(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.MaxValue);

    public async Task<JobOutcome> RunAsync(Job job, IServiceProvider services, CancellationToken cancellationToken)
    {
        var schedule = services.GetRequiredService<RetentionSchedule>();
        RetentionReport report;
        try
        {
            report = await services.GetRequiredService<RetentionSweep>().RunAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await schedule.ScheduleNextAsync(clock.GetUtcNow() + settings.Interval, cancellationToken);
            throw;
        }

        await schedule.ScheduleNextAsync(report.Complete ? clock.GetUtcNow() + settings.Interval : clock.GetUtcNow(), cancellationToken);
        LogSwept(logger, report.Requests, report.Batches, report.Jobs, report.HookDeliveries, report.AuditRecords, report.Complete);
        return JobOutcome.Done(report.ToString());
    }

    [LoggerMessage(EventId = 4520, Level = LogLevel.Information,
        Message = "Retention: deleted {Requests} request(s), {Batches} batch(es), {Jobs} job(s), {HookDeliveries} webhook delivery(ies), {AuditRecords} audit record(s); complete: {Complete}")]
    private static partial void LogSwept(ILogger logger, int requests, int batches, int jobs, int hookDeliveries, int auditRecords, bool complete);
}
