using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace IpsApi.Bench;

/// <summary>
/// Throughput and latency of cdnCacheInvalidation on an IpsApi endpoint, beside a do-nothing
/// floor endpoint served from this process, for requests of 1000 URLs and of 1 URL; then paced
/// load at half the measured 1000-URL rate. Prints every run, the medians, the targets with
/// MET / NOT MET, and a markdown summary.
/// </summary>
internal static class Program
{
    private const string IpsApiName = "IpsApi";
    private const string FloorName = "floor";

    private static bool errorShown;

    public static async Task<int> Main(string[] args)
    {
        if (args is ["purge", ..])
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await PurgeBench.MainAsync(args[1..], stop.Token);
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"IpsApi.Bench: {e.Message} (see --help)");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await RunAsync(options, args, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("IpsApi.Bench: interrupted");
            return 130;
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, string[] args, CancellationToken cancellationToken)
    {
        var commandLine = CommandLine(args);
        var machine = MachineFacts();
        Console.WriteLine("# IpsApi cdnCacheInvalidation benchmark");
        Console.WriteLine($"command:  {commandLine}");
        foreach (var line in machine)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"started:  {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        if (options.Label is not null)
        {
            Console.WriteLine($"server:   {options.Label}");
        }

        Console.WriteLine($"target:   {options.Target}");
        Console.WriteLine($"load:     {options.Clients} closed-loop clients on one HttpClient (max {options.Clients} connections per server), "
            + $"warmup {Format.N(options.WarmupSeconds, 1)} s, {options.Runs} runs x {Format.N(options.DurationSeconds, 1)} s per scenario and target");

        var scenarios = options.Scenarios.Select(n => RequestBodies.Build(options, n)).ToList();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"bodies:   {scenario.Name}: {scenario.Bodies.Count} distinct envelopes of ~{Format.N(scenario.AverageBodyBytes)} bytes, built before measuring");
        }

        await using var floor = await FloorServer.StartAsync(options.Target.AbsolutePath, cancellationToken);
        Console.WriteLine($"floor:    {floor.Url} (in-process Kestrel, reads the body, fixed 200 text/xml reply, no logging)");
        using var client = new SoapClient(options.Clients);
        var meter = new CpuMeter(options.Watch);
        using var server = new ServerMeter(options.ServerMetrics, options.Watch.Count > 0 ? options.Watch[0].Pid : null);
        if (server.MeasuresAllocations && await server.AllocatedBytesAsync(cancellationToken) is null)
        {
            Console.WriteLine();
            Console.WriteLine($"preflight: {options.ServerMetrics} has no {ServerMeter.AllocatedSeries}; nothing measured.");
            return 1;
        }

        Console.WriteLine(server.MeasuresAllocations
            ? $"memory:   server allocations per request from {ServerMeter.AllocatedSeries} at {options.ServerMetrics}, before and after each run"
            : "memory:   server allocations not measured (no --server-metrics)");
        Console.WriteLine(CpuMeter.Available
            ? $"cpu:      per run from /proc, in cores (CPU s per wall s): {string.Join(", ", options.Watch.Select(w => $"{w.Name} = PID {w.Pid} and descendants"))}{(options.Watch.Count > 0 ? ", " : "")}bench = this process (client and floor endpoint), other = the rest of the machine's busy time"
            : "cpu:      not measured (no /proc)");

        // One request per scenario first: a wrong password or company should not cost minutes.
        foreach (var scenario in scenarios)
        {
            if (!await client.PostAsync(options.Target, scenario.Bodies[0], new byte[64 * 1024], cancellationToken))
            {
                Console.WriteLine();
                Console.WriteLine($"preflight: a {scenario.Name} request to {options.Target} failed; nothing measured.");
                Console.WriteLine($"first error: {client.FirstError}");
                return 1;
            }
        }

        var summaries = new List<Summary>();
        var ratios = new List<(string Scenario, double Ratio)>();
        var closed = new Dictionary<(int Urls, string Target), Summary>();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine();
            Console.WriteLine($"## {scenario.Name} per request, closed loop, {options.Clients} clients");
            foreach (var (name, url) in new[] { (IpsApiName, options.Target), (FloorName, floor.Url) })
            {
                Console.WriteLine($"{name} ({url}):");
                if (options.WarmupSeconds > 0)
                {
                    var warm = await ClosedLoop.RunAsync(client, url, scenario, options.Clients, options.WarmupSeconds, cancellationToken);
                    Console.WriteLine($"  warmup    {Format.N(warm.RequestsPerSecond, 1),9} req/s  (not counted)  errors {warm.Errors}");
                    ShowFirstError(client);
                }

                var runs = new List<RunResult>();
                for (var run = 1; run <= options.Runs; run++)
                {
                    var result = await MeasuredAsync(meter, server, name == IpsApiName, () => ClosedLoop.RunAsync(client, url, scenario, options.Clients, options.DurationSeconds, cancellationToken));
                    runs.Add(result);
                    Console.WriteLine($"  run {run,2}/{options.Runs} {Line(result)}  ({result.Ok} ok in {Format.N(result.ElapsedSeconds, 2)} s)");
                    PrintCpu(result);
                    ShowFirstError(client);
                }

                var summary = Summary.Of(scenario.Name, name, $"closed, {options.Clients} clients", runs);
                Console.WriteLine($"  median    {Line(summary)}");
                PrintCpu(summary);
                summaries.Add(summary);
                closed[(scenario.UrlsPerRequest, name)] = summary;
            }

            var ratio = closed[(scenario.UrlsPerRequest, IpsApiName)].RequestsPerSecond / closed[(scenario.UrlsPerRequest, FloorName)].RequestsPerSecond;
            ratios.Add((scenario.Name, ratio));
            Console.WriteLine($"ratio IpsApi/floor (median req/s): {Format.Ratio(ratio)}");
        }

        // The paced runs can fall behind and hold hundreds of requests at once: the peak before them is the closed loop's.
        var closedPeak = server.PeakResidentBytes();
        if (closedPeak is { } closedBytes)
        {
            Console.WriteLine();
            Console.WriteLine($"server peak resident set after the closed-loop runs: {Format.Bytes(closedBytes)}");
        }

        Summary? paced = null;
        double pacedRate = double.NaN;
        var big = scenarios.FirstOrDefault(s => s.UrlsPerRequest == 1000);
        if (big is not null)
        {
            pacedRate = closed[(1000, IpsApiName)].RequestsPerSecond / 2;
            using var pacedClient = new SoapClient(Math.Max(64, options.Clients * 4));
            Console.WriteLine();
            Console.WriteLine($"## {big.Name} per request, paced (open loop) at half the closed-loop median: {Format.N(pacedRate, 1)} req/s");
            Console.WriteLine($"   latency from each request's scheduled send time; own HttpClient, up to {pacedClient.MaxConnectionsPerServer} connections");
            var runs = new List<RunResult>();
            if (pacedRate > 0)
            {
                for (var run = 1; run <= options.Runs; run++)
                {
                    var result = await MeasuredAsync(meter, server, true, () => OpenLoop.RunAsync(pacedClient, options.Target, big, pacedRate, options.DurationSeconds, cancellationToken));
                    runs.Add(result);
                    Console.WriteLine($"  run {run,2}/{options.Runs} achieved {Format.N(result.RequestsPerSecond, 1),7} req/s of {Format.N(result.Offered / options.DurationSeconds, 1)} offered"
                        + $"  p50 {Format.Ms(result.P50Ms),6} ms  p99 {Format.Ms(result.P99Ms),6} ms  max {Format.Ms(result.MaxMs),6} ms  errors {result.Errors}"
                        + $"  (max in flight {result.MaxInFlight}, max send lag {Format.Ms(result.MaxSendLagMs)} ms)");
                    PrintCpu(result);
                    ShowFirstError(pacedClient);
                }

                paced = Summary.Of(big.Name, IpsApiName, $"paced {Format.N(pacedRate, 1)}/s", runs);
                Console.WriteLine($"  median   achieved {Format.N(paced.RequestsPerSecond, 1),7} req/s  p50 {Format.Ms(paced.P50Ms),6} ms  p99 {Format.Ms(paced.P99Ms),6} ms  errors {Format.N(paced.Errors, 1)}");
                PrintCpu(paced);
            }
            else
            {
                Console.WriteLine("  skipped: the closed-loop median was 0 req/s");
            }

            summaries.Add(paced ?? new Summary(big.Name, IpsApiName, "paced (skipped)", 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN));
        }

        var peak = server.PeakResidentBytes();
        Console.WriteLine();
        Console.WriteLine(peak is { } bytes
            ? $"server peak resident set (VmHWM of PID {options.Watch[0].Pid}, its whole life): {Format.Bytes(bytes)}"
            : "server peak resident set: not measured (no --watch)");
        var verdicts = Verdicts(closed, paced, pacedRate, peak);
        Console.WriteLine();
        Console.WriteLine("## Targets");
        foreach (var verdict in verdicts)
        {
            Console.WriteLine($"  {verdict.Word,-12} {verdict.Target}: {verdict.Measured}");
        }

        Console.WriteLine();
        Console.WriteLine("## Summary (medians over runs; paste-able)");
        Console.WriteLine();
        PrintMarkdown(options, commandLine, machine, summaries, ratios, verdicts);
        return 0;
    }

    private static string Line(RunResult r) =>
        $"{Format.N(r.RequestsPerSecond, 1),9} req/s {Format.N(r.UrlsPerSecond),10} URLs/s  p50 {Format.Ms(r.P50Ms),6} ms  p99 {Format.Ms(r.P99Ms),6} ms  max {Format.Ms(r.MaxMs),6} ms  errors {r.Errors}";

    private static string Line(Summary s) =>
        $"{Format.N(s.RequestsPerSecond, 1),9} req/s {Format.N(s.UrlsPerSecond),10} URLs/s  p50 {Format.Ms(s.P50Ms),6} ms  p99 {Format.Ms(s.P99Ms),6} ms  errors {Format.N(s.Errors, 1)}";

    private static async Task<RunResult> MeasuredAsync(CpuMeter meter, ServerMeter server, bool loadsServer, Func<Task<RunResult>> run)
    {
        var allocatedBefore = await server.AllocatedBytesAsync(CancellationToken.None);
        var before = meter.Take();
        var result = await run();
        var after = meter.Take();
        var allocatedAfter = await server.AllocatedBytesAsync(CancellationToken.None);
        return result with
        {
            Cpu = before is not null && after is not null ? CpuUsage.Between(before, after) : null,
            LoadsServer = loadsServer,
            ServerAllocatedBytes = allocatedAfter - allocatedBefore,
        };
    }

    private static void PrintCpu(CpuUsage? cpu, double serverCpuMs, double allocatedBytes)
    {
        if (cpu is not null)
        {
            Console.WriteLine($"            cpu cores: {cpu.Describe()}");
        }

        if (!double.IsNaN(serverCpuMs) || !double.IsNaN(allocatedBytes))
        {
            Console.WriteLine($"            server per request: CPU {Format.Ms(serverCpuMs)} ms, allocated {Format.Bytes(allocatedBytes)}");
        }
    }

    private static void PrintCpu(RunResult r) => PrintCpu(r.Cpu, r.ServerCpuMsPerRequest, r.AllocatedBytesPerRequest);

    private static void PrintCpu(Summary s) => PrintCpu(s.Cpu, s.ServerCpuMsPerRequest, s.AllocatedBytesPerRequest);

    private static void ShowFirstError(SoapClient client)
    {
        if (!errorShown && client.FirstError is { } error)
        {
            errorShown = true;
            Console.WriteLine($"  first error (shown once): {error}");
        }
    }

    /// <summary>The accept path's targets: each rate both absolute and as a share of the floor measured in the same run.</summary>
    private static List<Verdict> Verdicts(Dictionary<(int Urls, string Target), Summary> closed, Summary? paced, double pacedRate, long? peakBytes)
    {
        const string SmallTarget = "1-URL requests >= 2,500 req/s and >= 0.10 of the floor, closed loop";
        const string BigTarget = "1000-URL requests >= 400 req/s and >= 0.05 of the floor, closed loop";
        var verdicts = new List<Verdict>();
        if (closed.TryGetValue((1000, IpsApiName), out var big))
        {
            var share = big.RequestsPerSecond / closed[(1000, FloorName)].RequestsPerSecond;
            verdicts.Add(new Verdict(BigTarget,
                $"{Format.N(big.RequestsPerSecond, 1)} req/s ({Format.N(big.UrlsPerSecond)} URLs/s), {Format.Ratio(share)} of the floor",
                big.RequestsPerSecond >= 400 && share >= 0.05));
            verdicts.Add(paced is null
                ? new Verdict("1000-URL p99 <= 100 ms paced at half that rate", "not run", null)
                : new Verdict($"1000-URL p99 <= 100 ms paced at half that rate ({Format.N(pacedRate, 1)} req/s)",
                    $"p99 {Format.Ms(paced.P99Ms)} ms (p50 {Format.Ms(paced.P50Ms)} ms, achieved {Format.N(paced.RequestsPerSecond, 1)} req/s)",
                    paced.P99Ms <= 100 && paced.Errors == 0));
        }
        else
        {
            verdicts.Add(new Verdict(BigTarget, "scenario not run", null));
            verdicts.Add(new Verdict("1000-URL p99 <= 100 ms paced at half that rate", "scenario not run", null));
        }

        if (closed.TryGetValue((1, IpsApiName), out var small))
        {
            var share = small.RequestsPerSecond / closed[(1, FloorName)].RequestsPerSecond;
            verdicts.Add(new Verdict(SmallTarget, $"{Format.N(small.RequestsPerSecond, 1)} req/s, {Format.Ratio(share)} of the floor",
                small.RequestsPerSecond >= 2500 && share >= 0.10));
        }
        else
        {
            verdicts.Add(new Verdict(SmallTarget, "scenario not run", null));
        }

        verdicts.Add(peakBytes is { } peak
            ? new Verdict("server peak resident set <= 250 MB", Format.Bytes(peak), peak <= 250L * 1024 * 1024)
            : new Verdict("server peak resident set <= 250 MB", "not measured", null));
        return verdicts;
    }

    private static void PrintMarkdown(BenchOptions options, string commandLine, IReadOnlyList<string> machine, List<Summary> summaries,
        List<(string Scenario, double Ratio)> ratios, List<Verdict> verdicts)
    {
        Console.WriteLine("| scenario | endpoint | load | runs | req/s | URLs/s | p50 ms | p99 ms | errors/run | server CPU ms/req | server alloc/req | CPU cores (median) |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in summaries)
        {
            var cpu = s.Cpu is null ? "" : string.Join(", ", s.Cpu.Processes.Select(p => $"{p.Name} {Format.Cores(p.Cores)}")) + $", other {Format.Cores(s.Cpu.OtherCores)}; busy {Format.Cores(s.Cpu.MachineBusyCores)}/{Environment.ProcessorCount}";
            Console.WriteLine($"| {s.Scenario} | {s.Target} | {s.Mode} | {s.Runs} | {Format.N(s.RequestsPerSecond, 1)} | {Format.N(s.UrlsPerSecond)} | {Format.Ms(s.P50Ms)} | {Format.Ms(s.P99Ms)} | {Format.N(s.Errors, 1)} | {(s.Target == IpsApiName ? Format.Ms(s.ServerCpuMsPerRequest) : "")} | {(s.Target == IpsApiName ? Format.Bytes(s.AllocatedBytesPerRequest) : "")} | {cpu} |");
        }

        Console.WriteLine();
        Console.WriteLine("| IpsApi/floor (median req/s) | ratio |");
        Console.WriteLine("|---|---:|");
        foreach (var (scenario, ratio) in ratios)
        {
            Console.WriteLine($"| {scenario} | {Format.Ratio(ratio)} |");
        }

        Console.WriteLine();
        Console.WriteLine("| target | measured | verdict |");
        Console.WriteLine("|---|---|---|");
        foreach (var v in verdicts)
        {
            Console.WriteLine($"| {v.Target} | {v.Measured} | **{v.Word}** |");
        }

        Console.WriteLine();
        Console.WriteLine($"- {options.Runs} runs x {Format.N(options.DurationSeconds, 1)} s after {Format.N(options.WarmupSeconds, 1)} s warmup; {options.Clients} closed-loop clients; latencies of successful requests only");
        if (options.Label is not null)
        {
            Console.WriteLine($"- server: {options.Label}");
        }

        foreach (var line in machine)
        {
            Console.WriteLine($"- {line.Replace("  ", " ", StringComparison.Ordinal).Trim()}");
        }

        Console.WriteLine($"- command: `{commandLine}`");
    }

    private static string CommandLine(string[] args)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var entry = Environment.GetCommandLineArgs().FirstOrDefault() ?? "IpsApi.Bench";
        var parts = new List<string>();
        if (!string.Equals(Path.GetFullPath(host), Path.GetFullPath(entry), StringComparison.Ordinal)
            && string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal))
        {
            parts.Add("dotnet");
        }

        parts.Add(Path.GetRelativePath(Environment.CurrentDirectory, entry));
        parts.AddRange(args);
        return string.Join(' ', parts.Select(Format.ShellQuote));
    }

    private static List<string> MachineFacts()
    {
        var cpu = "";
        try
        {
            cpu = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? ""
                : "";
        }
        catch (IOException)
        {
            // the model is a nicety
        }

        return
        [
            $"machine:  {Environment.ProcessorCount} logical CPUs (Environment.ProcessorCount){(cpu.Length > 0 ? $", {cpu}" : "")}",
            $"os:       {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            $"runtime:  {RuntimeInformation.FrameworkDescription}, client GC {(GCSettings.IsServerGC ? "server" : "workstation")}, Stopwatch {Format.N(Stopwatch.Frequency)} ticks/s",
        ];
    }
}
