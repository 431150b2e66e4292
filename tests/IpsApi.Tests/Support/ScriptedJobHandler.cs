using System.Collections.Concurrent;
using IpsApi.Core.Jobs;

namespace IpsApi.Tests.Support;

/// <summary>
/// A job kind under the test's control: each run takes the next scripted outcome (the last one repeats),
/// and every run is recorded with the time it started. <see cref="Hold"/> keeps runs waiting until released.
/// </summary>
public sealed class ScriptedJobHandler(string kind, JobSchedule schedule, params Func<Job, JobOutcome>[] script) : IJobHandler
{
    private readonly ConcurrentQueue<(long JobId, long Timestamp)> runs = new();
    private TaskCompletionSource released = Released();
    private int next;

    public string Kind => kind;

    public JobSchedule Schedule => schedule;

    public int RunCount => runs.Count;

    /// <summary>The time between consecutive runs.</summary>
    public IReadOnlyList<TimeSpan> Gaps
    {
        get
        {
            var times = runs.Select(r => r.Timestamp).ToList();
            return [.. times.Zip(times.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b))];
        }
    }

    /// <summary>How long each run takes before it answers.</summary>
    public TimeSpan Delay { get; set; }

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static JobSchedule Quick(int maxAttempts = 10) =>
        new(maxAttempts, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(1));

    public void Hold() => released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => released.TrySetResult();

    public async Task<JobOutcome> RunAsync(Job job, IServiceProvider services, CancellationToken cancellationToken)
    {
        runs.Enqueue((job.Id, System.Diagnostics.Stopwatch.GetTimestamp()));
        Started.TrySetResult();
        var step = Math.Min(Interlocked.Increment(ref next) - 1, script.Length - 1);
        await released.Task.WaitAsync(cancellationToken);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return script[step](job);
    }

    private static TaskCompletionSource Released()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
