using System.Globalization;

namespace IpsApi.Bench;

/// <summary>
/// What the server itself reports about a run: the bytes its GC allocated (the runtime's
/// <c>dotnet_gc_heap_total_allocated_bytes_total</c> on the server's Prometheus <c>/metrics</c>), read before and after
/// each run, and its peak resident set (<c>VmHWM</c> in <c>/proc/PID/status</c>), which covers the process's whole life.
/// </summary>
internal sealed class ServerMeter(Uri? metrics, int? pid) : IDisposable
{
    /// <summary>The runtime's cumulative allocation counter, as the OpenTelemetry Prometheus exporter names it.</summary>
    public const string AllocatedSeries = "dotnet_gc_heap_total_allocated_bytes_total";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public bool MeasuresAllocations => metrics is not null;

    /// <summary>The server's total allocated bytes now; null when not measured or not readable.</summary>
    public async Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken)
    {
        if (metrics is null)
        {
            return null;
        }

        try
        {
            var text = await http.GetStringAsync(metrics, cancellationToken);
            return Allocated(text);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The value of <see cref="AllocatedSeries"/> in a Prometheus text exposition (labels, if any, ignored).</summary>
    internal static long? Allocated(string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(AllocatedSeries, StringComparison.Ordinal) || line.Length == AllocatedSeries.Length
                || line[AllocatedSeries.Length] is not (' ' or '{'))
            {
                continue;
            }

            var fields = line[(line.LastIndexOf('}') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return (long)value;
            }
        }

        return null;
    }

    /// <summary>The server's peak resident set size in bytes so far (Linux); null elsewhere.</summary>
    public long? PeakResidentBytes()
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is not null && long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n * 1024 : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => http.Dispose();
}
