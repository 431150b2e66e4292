using System.Diagnostics;

namespace IpsApi.Bench;

/// <summary>
/// Open loop (paced): request <c>i</c> is due at <c>start + i / rate</c> and is sent then,
/// whether or not earlier requests have been answered. Latency runs from the due time, not
/// from the actual send, so a stalled server (or a late sender) shows in the figures instead of
/// silently lowering the offered load (no coordinated omission). The run is bounded: it issues
/// <c>rate x seconds</c> requests, then waits for them (each has the client's 30 s timeout).
/// </summary>
internal static class OpenLoop
{
    public static async Task<RunResult> RunAsync(SoapClient client, Uri target, Scenario scenario, double rate, double seconds, CancellationToken cancellationToken)
    {
        var count = Math.Max(1, (int)Math.Round(rate * seconds));
        var latencies = new long[count];
        var ok = new bool[count];
        var tasks = new Task[count];
        var inFlight = 0;
        var maxInFlight = 0;
        long maxLag = 0;
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);

        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            while (true)
            {
                var wait = due - Stopwatch.GetTimestamp();
                if (wait <= 0)
                {
                    break;
                }

                // timers are ~1 ms coarse; a little lateness is charged to the latency anyway
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            maxLag = Math.Max(maxLag, Stopwatch.GetTimestamp() - due);
            var index = i;
            var body = scenario.Bodies[i % scenario.Bodies.Count];
            var now = Interlocked.Increment(ref inFlight);
            if (now > maxInFlight)
            {
                maxInFlight = now;
            }

            tasks[i] = Task.Run(async () =>
            {
                var buffer = new byte[16 * 1024];
                try
                {
                    ok[index] = await client.PostAsync(target, body, buffer, cancellationToken);
                    latencies[index] = Stopwatch.GetTimestamp() - due;
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }, cancellationToken);
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var good = latencies.Where((_, i) => ok[i]).ToArray();
        Array.Sort(good);
        return new RunResult(scenario.UrlsPerRequest, good.Length, count - good.Length, elapsed, good)
        {
            Offered = count,
            MaxSendLagMs = RunResult.TicksToMs(maxLag),
            MaxInFlight = maxInFlight,
        };
    }
}
