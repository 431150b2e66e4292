using IpsApi.Core.Purge;
using IpsApi.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Jobs;

/// <summary>
/// Runs one claimed job through its kind's handler, keeps its lease alive meanwhile, and records the
/// outcome: done, retried on the kind's schedule, or failed once the schedule is spent. Writes after the
/// claim are guarded by the lease token.
/// </summary>
public sealed partial class JobProcessor(
    JobQueue queue,
    IServiceScopeFactory scopes,
    IEnumerable<IJobHandler> handlers,
    TimeProvider clock,
    IOptions<JobOptions> options,
    ILogger<JobProcessor> logger,
    Metrics.IpsMetrics metrics)
{
    private readonly JobOptions options = options.Value;

    public async Task ProcessAsync(Job job, CancellationToken abort)
    {
        if (job.UnfinishedClaims > options.MaxUnfinishedClaims)
        {
            await FailAsync(job, job.Attempt, $"{job.UnfinishedClaims - 1} workers in a row stopped while doing this job; not taken up again");
            return;
        }

        // As with any registration, the last handler registered for a kind is the one used.
        var handler = handlers.LastOrDefault(h => h.Kind == job.Kind);
        if (handler is null)
        {
            await FailAsync(job, job.Attempt, $"no handler for jobs of kind '{job.Kind}'");
            return;
        }

        using var lost = new CancellationTokenSource();
        using var done = new CancellationTokenSource();
        var renewing = new Job { Id = job.Id, Kind = job.Kind, LeaseToken = job.LeaseToken };
        var renewal = LeaseRenewal.KeepAsync(
            async cancellationToken =>
            {
                await using var scope = scopes.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<JobQueue>().RenewAsync(renewing, cancellationToken);
            },
            options.Lease, clock, lost, $"Job {job.Id} ({job.Kind})", logger, done.Token);
        JobOutcome? outcome;
        try
        {
            using var calls = CancellationTokenSource.CreateLinkedTokenSource(abort, lost.Token);
            outcome = await RunAsync(handler, job, calls.Token);
        }
        finally
        {
            await done.CancelAsync();
            await renewal;
        }

        if (lost.IsCancellationRequested)
        {
            LogLeaseLost(logger, job.Id, job.Kind);
            return;
        }

        if (outcome is null)
        {
            LogReleased(logger, job.Id, job.Kind);
            await FinishAsync(job, queue.ReleaseAsync(job, CancellationToken.None));
            return;
        }

        await RecordAsync(job, handler.Schedule, outcome);
    }

    /// <summary>The handler's outcome; null when shutdown (or a lost lease) cancelled it. An exception is a failure to retry.</summary>
    private async Task<JobOutcome?> RunAsync(IJobHandler handler, Job job, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await handler.RunAsync(job, scope.ServiceProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            LogHandlerCrashed(logger, e, job.Id, job.Kind);
            return JobOutcome.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task RecordAsync(Job job, JobSchedule schedule, JobOutcome outcome)
    {
        var attempt = job.Attempt + 1;
        var now = clock.GetUtcNow();
        var givingUp = attempt >= schedule.MaxAttempts || now - job.CreatedAt >= schedule.GiveUpAfter;
        metrics.FollowUp(job.Kind, outcome, givingUp);
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Done:
                if (await FinishAsync(job, queue.CompleteAsync(job, outcome.Text, CancellationToken.None)))
                {
                    LogDone(logger, job.Id, job.Kind, outcome.Text);
                }

                return;
            case JobOutcomeKind.Fail:
                await FailAsync(job, job.Attempt + 1, outcome.Text);
                return;
        }

        if (givingUp)
        {
            await FailAsync(job, attempt, $"gave up after {attempt} attempts: {outcome.Text}");
            return;
        }

        var delay = RetryBackoff.Delay(attempt, schedule.BaseDelay, schedule.MaxDelay, Random.Shared.NextDouble());
        if (outcome.RetryAfter > delay)
        {
            delay = outcome.RetryAfter.Value;
        }

        LogRetrying(logger, job.Id, job.Kind, attempt, outcome.Text, delay.TotalSeconds);
        await FinishAsync(job, queue.RetryLaterAsync(job, now + delay, attempt, outcome.Text, CancellationToken.None));
    }

    private async Task FailAsync(Job job, int attempt, string reason)
    {
        if (await FinishAsync(job, queue.FailAsync(job, attempt, reason, CancellationToken.None)))
        {
            LogFailed(logger, job.Id, job.Kind, reason);
        }
    }

    private async Task<bool> FinishAsync(Job job, Task<bool> write)
    {
        if (await write)
        {
            return true;
        }

        LogLeaseLost(logger, job.Id, job.Kind);
        return false;
    }

    [LoggerMessage(EventId = 4500, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) done: {Result}")]
    private static partial void LogDone(ILogger logger, long jobId, string kind, string result);

    [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} failed: {Reason}; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogRetrying(ILogger logger, long jobId, string kind, int attempt, string reason, double delaySeconds);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, long jobId, string kind, string reason);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}): the lease was lost to another worker; this worker's result is discarded")]
    private static partial void LogLeaseLost(ILogger logger, long jobId, string kind);

    [LoggerMessage(EventId = 4504, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) released on shutdown; another worker will do it")]
    private static partial void LogReleased(ILogger logger, long jobId, string kind);

    [LoggerMessage(EventId = 4505, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}): its handler failed unexpectedly; the job will be retried")]
    private static partial void LogHandlerCrashed(ILogger logger, Exception exception, long jobId, string kind);
}
