using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Which types and which call stacks allocate the most, from the runtime's AllocationTick events (one about every
// 100 KB allocated, with its type and stack) in a trace taken with `dotnet-trace collect --profile gc-verbose`.
const string Usage = """
    usage: dotnet run --project tools/IpsApi.AllocationReport -- TRACE.nettrace [--top N] [--large]

    Sums the sampled allocations of a dotnet-trace file by type, and by the innermost frames of the
    project's own code or its libraries (IpsApi, EF Core, Npgsql, ASP.NET Core, Serilog, System.Xml),
    as shares of the bytes sampled. --large counts only large-object allocations (85,000 bytes and
    more, the ones that make the GC collect gen2). Take the trace under load, for example:

      dotnet dotnet-trace collect -p PID --profile gc-verbose --duration 00:00:00:10 -o alloc.nettrace
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var top = 25;
var largeOnly = false;
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--large")
    {
        largeOnly = true;
    }
    else if (args[i] == "--top" && i + 1 < args.Length
        && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 500)
    {
        top = n;
        i++;
    }
    else
    {
        Console.Error.WriteLine($"IpsApi.AllocationReport: expected TRACE.nettrace [--top 1..500] [--large], got '{string.Join(' ', args)}'");
        return 2;
    }
}

if (!File.Exists(args[0]))
{
    Console.Error.WriteLine($"IpsApi.AllocationReport: no file '{args[0]}'");
    return 2;
}

string[] ownCode = ["IpsApi", "EntityFrameworkCore", "Npgsql", "AspNetCore", "Serilog", "System.Xml"];
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>(StringComparer.Ordinal);
var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick || (largeOnly && tick.AllocationKind != GCAllocationKind.Large))
    {
        continue;
    }

    var bytes = tick.AllocationAmount64;
    total += bytes;
    var type = tick.TypeName ?? "?";
    byType[type] = byType.GetValueOrDefault(type) + bytes;
    var frames = new List<string>();
    for (var frame = e.CallStack(); frame is not null && frames.Count < 3; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (!string.IsNullOrEmpty(method) && ownCode.Any(m => method.Contains(m, StringComparison.Ordinal)))
        {
            frames.Add(method.Split('(')[0]);
        }
    }

    var stack = frames.Count == 0 ? "(runtime or other libraries only)" : string.Join(" <- ", frames);
    byStack[stack] = byStack.GetValueOrDefault(stack) + bytes;
}

if (total == 0)
{
    Console.Error.WriteLine(largeOnly
        ? "IpsApi.AllocationReport: the trace has no large-object allocations"
        : "IpsApi.AllocationReport: the trace has no AllocationTick events: take it with --profile gc-verbose");
    return 1;
}

Console.WriteLine($"{total / 1048576.0:0.0} MB of allocations sampled in {args[0]}");
Console.WriteLine();
Console.WriteLine("by type");
foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
{
    Console.WriteLine($"  {bytes * 100.0 / total,5:0.0} %  {type}");
}

Console.WriteLine();
Console.WriteLine("by stack (innermost frames of the project and its libraries)");
foreach (var (stack, bytes) in byStack.OrderByDescending(p => p.Value).Take(top))
{
    Console.WriteLine($"  {bytes * 100.0 / total,5:0.0} %  {stack}");
}

return 0;
