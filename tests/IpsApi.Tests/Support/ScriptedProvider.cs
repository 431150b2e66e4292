using System.Collections.Concurrent;
using IpsApi.Core.Companies;
using IpsApi.Core.Purge;

namespace IpsApi.Tests.Support;

/// <summary>
/// A purge provider under the test's control: each call takes the next scripted outcome (the last
/// one repeats), and every call is recorded with its URLs. A purge of a company's whole cache takes the
/// next outcome too (the script sees no targets) and is recorded by the company's handle.
/// </summary>
public sealed class ScriptedProvider(string name, params Func<IReadOnlyList<PurgeTarget>, PurgeOutcome>[] script) : IPurgeProvider
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> calls = new();
    private readonly ConcurrentQueue<long> callTimes = new();
    private readonly ConcurrentQueue<string> wholeCacheCalls = new();
    private int next;

    public string Name => name;

    public int EstimatedSeconds { get; set; }

    /// <summary>How long each call takes before it answers.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Each call answers only once this has completed: lets a test hold a batch in a tier until it has seen it there.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public IReadOnlyList<IReadOnlyList<string>> Calls => [.. calls];

    public int CallCount => calls.Count;

    /// <summary>The handle of each company whose whole cache this provider was asked to purge, in order.</summary>
    public IReadOnlyList<string> WholeCacheCalls => [.. wholeCacheCalls];

    /// <summary>What <see cref="WholeCacheRefusal"/> answers; by default every company can be purged whole.</summary>
    public Func<Company, string?> RefuseWholeCache { get; set; } = _ => null;

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

    public string? WholeCacheRefusal(Company company) => RefuseWholeCache(company);

    public async Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken)
    {
        callTimes.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        wholeCacheCalls.Enqueue(company.Handle);
        var step = Math.Min(Interlocked.Increment(ref next) - 1, script.Length - 1);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        await Gate.WaitAsync(cancellationToken);
        return script[step]([]);
    }
}
