namespace IpsApi.Bench;

/// <summary>The medians of one series of runs, as they go into the final table.</summary>
internal sealed record Summary(string Scenario, string Target, string Mode, int Runs, double RequestsPerSecond, double UrlsPerSecond, double P50Ms, double P99Ms, double Errors)
{
    public CpuUsage? Cpu { get; init; }

    public double ServerCpuMsPerRequest { get; init; } = double.NaN;

    public double AllocatedBytesPerRequest { get; init; } = double.NaN;

    public static Summary Of(string scenario, string target, string mode, IReadOnlyList<RunResult> runs) => new(
        scenario,
        target,
        mode,
        runs.Count,
        Stats.Median(runs.Select(r => r.RequestsPerSecond)),
        Stats.Median(runs.Select(r => r.UrlsPerSecond)),
        Stats.Median(runs.Select(r => r.P50Ms)),
        Stats.Median(runs.Select(r => r.P99Ms)),
        Stats.Median(runs.Select(r => (double)r.Errors)))
    {
        Cpu = CpuUsage.Median([.. runs.Select(r => r.Cpu)]),
        ServerCpuMsPerRequest = Stats.Median(runs.Select(r => r.ServerCpuMsPerRequest)),
        AllocatedBytesPerRequest = Stats.Median(runs.Select(r => r.AllocatedBytesPerRequest)),
    };
}
