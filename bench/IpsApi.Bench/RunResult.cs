using System.Diagnostics;

namespace IpsApi.Bench;

/// <summary>
/// One measured run: successes, errors, wall time, and the sorted latencies of the successes
/// (Stopwatch ticks). For paced runs <see cref="Offered"/> is the number of requests the
/// schedule issued and <see cref="MaxSendLagMs"/> how late the sender was at worst.
/// </summary>
internal sealed record RunResult(int UrlsPerRequest, long Ok, long Errors, double ElapsedSeconds, long[] SortedLatencyTicks)
{
    public long Offered { get; init; }

    public double MaxSendLagMs { get; init; }

    public int MaxInFlight { get; init; }

    /// <summary>CPU used during the run, where /proc can tell.</summary>
    public CpuUsage? Cpu { get; init; }

    /// <summary>Whether the run loaded the server (not the floor), so that its CPU and allocations are the run's.</summary>
    public bool LoadsServer { get; init; }

    /// <summary>Bytes the server's GC allocated during the run, where its <c>/metrics</c> was read.</summary>
    public long? ServerAllocatedBytes { get; init; }

    /// <summary>The server's CPU time per successful request (the first watched process), in milliseconds.</summary>
    public double ServerCpuMsPerRequest =>
        LoadsServer && Cpu is { Processes: [var server, ..] } && Ok > 0 ? server.Cores * ElapsedSeconds * 1000 / Ok : double.NaN;

    /// <summary>The server's allocated bytes per successful request.</summary>
    public double AllocatedBytesPerRequest => LoadsServer && ServerAllocatedBytes is { } bytes && Ok > 0 ? (double)bytes / Ok : double.NaN;

    public double RequestsPerSecond => Ok / ElapsedSeconds;

    public double UrlsPerSecond => RequestsPerSecond * UrlsPerRequest;

    public double P50Ms => Percentile(0.50);

    public double P99Ms => Percentile(0.99);

    public double MaxMs => SortedLatencyTicks.Length == 0 ? double.NaN : TicksToMs(SortedLatencyTicks[^1]);

    public static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Nearest-rank percentile in milliseconds; NaN without a success.</summary>
    public double Percentile(double p)
    {
        if (SortedLatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * SortedLatencyTicks.Length);
        return TicksToMs(SortedLatencyTicks[Math.Clamp(rank, 1, SortedLatencyTicks.Length) - 1]);
    }
}
