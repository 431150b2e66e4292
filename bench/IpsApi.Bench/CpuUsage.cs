using System.Diagnostics;

namespace IpsApi.Bench;

/// <summary>CPU used between two samples, in cores (CPU seconds per wall second).</summary>
internal sealed record CpuUsage(IReadOnlyList<(string Name, double Cores)> Processes, double MachineBusyCores, double IowaitCores, double StealCores)
{
    public static CpuUsage Between(CpuSample before, CpuSample after)
    {
        var wall = (double)(after.Timestamp - before.Timestamp) / Stopwatch.Frequency;
        double Cores(double a, double b) => wall > 0 ? Math.Max(0, b - a) / wall : double.NaN;
        var processes = after.TreeSeconds
            .Select(p => (p.Key, Cores(before.TreeSeconds.GetValueOrDefault(p.Key), p.Value)))
            .Append(("bench", Cores(before.SelfSeconds, after.SelfSeconds)))
            .ToList();
        return new CpuUsage(processes,
            Cores(before.MachineBusySeconds, after.MachineBusySeconds),
            Cores(before.MachineIowaitSeconds, after.MachineIowaitSeconds),
            Cores(before.MachineStealSeconds, after.MachineStealSeconds));
    }

    /// <summary>The medians of several runs' usage, process by process.</summary>
    public static CpuUsage? Median(IReadOnlyList<CpuUsage?> runs)
    {
        var usages = runs.OfType<CpuUsage>().ToList();
        if (usages.Count == 0)
        {
            return null;
        }

        var names = usages[0].Processes.Select(p => p.Name).ToList();
        return new CpuUsage(
            [.. names.Select(n => (n, Stats.Median(usages.Select(u => u.Processes.FirstOrDefault(p => p.Name == n).Cores))))],
            Stats.Median(usages.Select(u => u.MachineBusyCores)),
            Stats.Median(usages.Select(u => u.IowaitCores)),
            Stats.Median(usages.Select(u => u.StealCores)));
    }

    /// <summary>Machine-wide busy time not used by the watched processes or this one (kernel threads, other work on the machine).</summary>
    public double OtherCores => Math.Max(0, MachineBusyCores - Processes.Where(p => !double.IsNaN(p.Cores)).Sum(p => p.Cores));

    /// <summary>e.g. <c>ipsapi 1.21, postgres 0.40, bench 0.25, other 0.05; machine busy 1.93 of 2, iowait 0.01, steal 0.02</c>.</summary>
    public string Describe() =>
        string.Join(", ", Processes.Select(p => $"{p.Name} {Format.Cores(p.Cores)}"))
        + $", other {Format.Cores(OtherCores)}; machine busy {Format.Cores(MachineBusyCores)} of {Environment.ProcessorCount}, iowait {Format.Cores(IowaitCores)}, steal {Format.Cores(StealCores)}";
}
