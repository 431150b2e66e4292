using System.Collections.Concurrent;
using IpsApi.Core.Purge;

namespace IpsApi.Tests.Support;

/// <summary>
/// A purge provider under the test's control: each call takes the next scripted outcome (the last
/// one repeats), and every call is recorded with its URLs.
/// </summary>
public sealed class ScriptedProvider(string name, params Func<IReadOnlyList<PurgeTarget>, PurgeOutcome>[] script) : IPurgeProvider
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> calls = new();
    private readonly ConcurrentQueue<long> callTimes = new();
    private int next;

    public string Name => name;

    public int EstimatedSeconds { get; set; }

    /// <summary>How long each call takes before it answers.</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<IReadOnlyList<string>> Calls => [.. calls];

    public int CallCount => calls.Count;

    /// <summary>The time between consecutive calls.</summary>
    public IReadOnlyList<TimeSpan> Gaps => [.. callTimes.Zip(callTimes.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b))];

    public static PurgeOutcome Ok(IReadOnlyList<PurgeTarget> targets) => PurgeOutcome.Succeeded();

    public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        callTimes.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        calls.Enqueue([.. targets.Select(t => t.Canonical)]);
        var step = Math.Min(Interlocked.Increment(ref next) - 1, script.Length - 1);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return script[step](targets);
    }
}
