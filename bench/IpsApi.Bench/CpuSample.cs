namespace IpsApi.Bench;

/// <summary>
/// Cumulative CPU seconds at one moment: per watched process tree, this process, and the whole
/// machine (from /proc/stat: busy, iowait and steal).
/// </summary>
internal sealed record CpuSample(long Timestamp, IReadOnlyDictionary<string, double> TreeSeconds, double SelfSeconds,
    double MachineBusySeconds, double MachineIowaitSeconds, double MachineStealSeconds);
