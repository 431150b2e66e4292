using System.Diagnostics;
using System.Globalization;

namespace IpsApi.Bench;

/// <summary>
/// Reads CPU time from Linux /proc: for each watched process (given by PID) the time of the
/// process and all its live descendants plus what they reaped (utime+stime+cutime+cstime), so a
/// PostgreSQL postmaster stands for the whole cluster; this process (client and floor endpoint);
/// and the machine. Without /proc it reports nothing.
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Name, int Pid)> watched)
{
    /// <summary>USER_HZ: the unit of /proc times; 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    public static bool Available => File.Exists("/proc/stat") && File.Exists("/proc/self/stat");

    public CpuSample? Take()
    {
        if (!Available)
        {
            return null;
        }

        try
        {
            var processes = ReadProcesses();
            var trees = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, pid) in watched)
            {
                trees[name] = TreeTicks(processes, pid) / TicksPerSecond;
            }

            var self = ReadStat(Environment.ProcessId);
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
            double Field(int i) => i < cpu.Length ? cpu[i] : 0;
            var busy = Field(0) + Field(1) + Field(2) + Field(5) + Field(6);
            return new CpuSample(Stopwatch.GetTimestamp(), trees, (self?.Own ?? 0) / TicksPerSecond,
                busy / TicksPerSecond, Field(4) / TicksPerSecond, Field(7) / TicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double TreeTicks(Dictionary<int, (int Parent, double Total)> processes, int root)
    {
        if (!processes.ContainsKey(root))
        {
            return double.NaN;
        }

        var children = processes.ToLookup(p => p.Value.Parent, p => p.Key);
        var total = 0.0;
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            total += processes[pid].Total;
            foreach (var child in children[pid])
            {
                pending.Push(child);
            }
        }

        return total;
    }

    private static Dictionary<int, (int Parent, double Total)> ReadProcesses()
    {
        var processes = new Dictionary<int, (int, double)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat)
            {
                processes[pid] = (stat.Parent, stat.Total);
            }
        }

        return processes;
    }

    /// <summary>Parent, own time (utime+stime) and total with reaped children, in ticks; null if the process is gone.</summary>
    private static (int Parent, double Own, double Total)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ... utime stime cutime cstime ..."; comm may hold spaces and ')'
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var f = text[(close + 2)..].Split(' ');
        if (f.Length < 15)
        {
            return null;
        }

        double T(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        var own = T(11) + T(12);
        return (int.Parse(f[1], CultureInfo.InvariantCulture), own, own + T(13) + T(14));
    }
}
