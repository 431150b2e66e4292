namespace IpsApi.Core.Jobs;

/// <summary>Does the jobs of one kind. Registered as a singleton; <see cref="RunAsync"/> gets a scope of its own.</summary>
public interface IJobHandler
{
    /// <summary>The <see cref="Job.Kind"/> handled, e.g. <c>mail</c>.</summary>
    string Kind { get; }

    /// <summary>How this kind is retried.</summary>
    JobSchedule Schedule { get; }

    /// <summary>Does the job once. An exception counts as a failure to retry.</summary>
    Task<JobOutcome> RunAsync(Job job, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>
/// A kind's retries: delays from <paramref name="BaseDelay"/> doubling to <paramref name="MaxDelay"/>, with jitter,
/// until <paramref name="MaxAttempts"/> attempts have failed or the job is older than <paramref name="GiveUpAfter"/>.
/// </summary>
public sealed record JobSchedule(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter);

public enum JobOutcomeKind
{
    Done,
    Retry,
    Fail,
}

/// <summary>What an attempt came to: done (with what it did), to be retried (at the earliest after <see cref="RetryAfter"/>), or failed for good.</summary>
public sealed record JobOutcome(JobOutcomeKind Kind, string Text, TimeSpan? RetryAfter = null)
{
    /// <summary>True for a job done by doing nothing, on purpose (mail that is switched off): counted apart from real deliveries.</summary>
    public bool Skipped { get; private init; }

    public static JobOutcome Done(string result) => new(JobOutcomeKind.Done, result);

    /// <summary>Done without doing anything, for <paramref name="reason"/>; recorded as <c>skipped: reason</c>.</summary>
    public static JobOutcome Skip(string reason) => new(JobOutcomeKind.Done, "skipped: " + reason) { Skipped = true };

    public static JobOutcome Retry(string reason, TimeSpan? retryAfter = null) => new(JobOutcomeKind.Retry, reason, retryAfter);

    public static JobOutcome Fail(string reason) => new(JobOutcomeKind.Fail, reason);
}
