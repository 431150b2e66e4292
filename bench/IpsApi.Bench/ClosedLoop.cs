using System.Diagnostics;

namespace IpsApi.Bench;

/// <summary>
/// Closed loop: <c>clients</c> workers each send a request, wait for its reply, and send the next,
/// until the run's time is up (a request started before the deadline is awaited and counted).
/// Throughput is successes over the wall time from start until the last worker is done.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<RunResult> RunAsync(SoapClient client, Uri target, Scenario scenario, int clients, double seconds, CancellationToken cancellationToken)
    {
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(seconds * Stopwatch.Frequency);
        var workers = new Task<Worker>[clients];
        for (var w = 0; w < clients; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                var worker = new Worker();
                var buffer = new byte[64 * 1024];
                while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
                {
                    var body = scenario.Bodies[(int)((uint)Interlocked.Increment(ref next) % (uint)scenario.Bodies.Count)];
                    var t0 = Stopwatch.GetTimestamp();
                    var ok = await client.PostAsync(target, body, buffer, cancellationToken);
                    var t1 = Stopwatch.GetTimestamp();
                    if (ok)
                    {
                        worker.Latencies.Add(t1 - t0);
                    }
                    else
                    {
                        worker.Errors++;
                    }
                }

                return worker;
            }, cancellationToken);
        }

        var done = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var latencies = done.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        return new RunResult(scenario.UrlsPerRequest, latencies.Length, done.Sum(w => w.Errors), elapsed, latencies);
    }

    private sealed class Worker
    {
        public List<long> Latencies { get; } = new(capacity: 16 * 1024);

        public long Errors { get; set; }
    }
}
