using System.Diagnostics;
using System.Net;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IpsApi.Bench;

/// <summary>
/// <c>IpsApi.Bench purge</c>: reply-to-purge latency through a real varnishd, and purge
/// throughput through the service beside the same PURGEs sent straight to varnishd.
/// </summary>
internal static partial class PurgeBench
{
    // The purge path's targets: a purge a few milliseconds after the reply, at three quarters of varnishd's own pace.
    private const double LatencyP50Target = 3;
    private const double LatencyP99Target = 10;
    private const double ThroughputRatioTarget = 0.75;

    public static async Task<int> MainAsync(string[] args, CancellationToken cancellationToken)
    {
        PurgeBenchOptions options;
        try
        {
            options = PurgeBenchOptions.Parse(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"IpsApi.Bench purge: {e.Message} (see --help)");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(PurgeBenchOptions.Usage);
            return 0;
        }

        Console.WriteLine("# IpsApi purge benchmark");
        Console.WriteLine($"command:  IpsApi.Bench purge {string.Join(' ', args.Select(Format.ShellQuote))}");
        Console.WriteLine($"machine:  {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"started:  {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        if (options.Label is not null)
        {
            Console.WriteLine($"server:   {options.Label}");
        }

        await using var origin = await StartOriginAsync(options.OriginPort, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = Math.Max(options.FloorConcurrency, 16),
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = TimeSpan.FromSeconds(60) };
        var bench = new Session(options, http);

        Console.WriteLine("warm-up:  3 throughput rounds of 2 requests and 50 latency samples, unmeasured");
        for (var round = 0; round < 3; round++)
        {
            await bench.ServiceThroughputAsync($"w{round}", 2, cancellationToken);
            await bench.FloorThroughputAsync($"w{round}", 2, cancellationToken);
        }

        await bench.LatencyAsync("w", 50, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"## reply-to-purge latency, {options.Samples} sequential 1-URL requests per run (poll interval 1 ms)");
        var p50s = new List<double>();
        var p99s = new List<double>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var samples = await bench.LatencyAsync($"r{run}", options.Samples, cancellationToken);
            var (p50, p99, max) = (Percentile(samples, 0.50), Percentile(samples, 0.99), samples.Max());
            p50s.Add(p50);
            p99s.Add(p99);
            Console.WriteLine($"run {run}: p50 {Format.Ms(p50)} ms  p99 {Format.Ms(p99)} ms  max {Format.Ms(max)} ms  (n={samples.Count})");
        }

        Console.WriteLine();
        Console.WriteLine($"## purge throughput, {options.Requests} x 1000 URLs per run; floor: the same PURGEs straight to varnishd, {options.FloorConcurrency} in flight");
        var service = new List<double>();
        var floor = new List<double>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var serviceRate = await bench.ServiceThroughputAsync($"s{run}", options.Requests, cancellationToken);
            var floorRate = await bench.FloorThroughputAsync($"f{run}", options.Requests, cancellationToken);
            service.Add(serviceRate);
            floor.Add(floorRate);
            Console.WriteLine($"run {run}: IpsApi {Format.N(serviceRate)} URLs/s  floor {Format.N(floorRate)} URLs/s  ratio {Format.Ratio(serviceRate / floorRate)}");
        }

        var (medianP50, medianP99) = (Stats.Median(p50s), Stats.Median(p99s));
        var (medianService, medianFloor) = (Stats.Median(service), Stats.Median(floor));
        var ratio = medianService / medianFloor;
        Console.WriteLine();
        Console.WriteLine("## summary (medians over runs)");
        Console.WriteLine("| measure | IpsApi | floor | ratio | target |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        Console.WriteLine($"| reply-to-purge p50 | {Format.Ms(medianP50)} ms | | | ≤ {LatencyP50Target} ms: {Verdict(medianP50 <= LatencyP50Target)} |");
        Console.WriteLine($"| reply-to-purge p99 | {Format.Ms(medianP99)} ms | | | ≤ {LatencyP99Target} ms: {Verdict(medianP99 <= LatencyP99Target)} |");
        Console.WriteLine($"| purge throughput | {Format.N(medianService)} URLs/s | {Format.N(medianFloor)} URLs/s | {Format.Ratio(ratio)} | ≥ {ThroughputRatioTarget}: {Verdict(ratio >= ThroughputRatioTarget)} |");
        return 0;
    }

    private static string Verdict(bool met) => met ? "MET" : "NOT MET";

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>varnishd's backend: every object cacheable for an hour.</summary>
    private static async Task<WebApplication> StartOriginAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(http =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return http.Response.WriteAsync("image bytes");
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    [GeneratedRegex("<invalidationHandle>([^<]+)</invalidationHandle>")]
    private static partial Regex HandleElement();

    [GeneratedRegex("<status>([^<]+)</status>")]
    private static partial Regex StatusElement();

    private sealed class Session(PurgeBenchOptions options, HttpClient http)
    {
        private string Url(string name) => $"https://{options.Host}/is/image/{options.Root}/{name}";

        private string Path(string name) => $"/is/image/{options.Root}/{name}";

        /// <summary>Milliseconds from each reply until a GET through varnishd misses.</summary>
        public async Task<List<double>> LatencyAsync(string tag, int samples, CancellationToken cancellationToken)
        {
            var results = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                var name = $"lat-{tag}-{i}";
                await GetAsync(Path(name), cancellationToken);
                if (!await GetAsync(Path(name), cancellationToken))
                {
                    throw new InvalidOperationException($"varnishd did not cache {Path(name)}: is its backend this process's origin?");
                }

                await AcceptAsync([Url(name)], cancellationToken);
                var replied = Stopwatch.GetTimestamp();
                while (await GetAsync(Path(name), cancellationToken))
                {
                    if (Stopwatch.GetElapsedTime(replied) > TimeSpan.FromSeconds(30))
                    {
                        throw new TimeoutException($"{Path(name)} was still cached 30 s after the reply");
                    }

                    await Task.Delay(1, cancellationToken);
                }

                results.Add(Stopwatch.GetElapsedTime(replied).TotalMilliseconds);
                await Task.Delay(20, cancellationToken);
            }

            return results;
        }

        /// <summary>URLs/s from the first submit until every status says Done.</summary>
        public async Task<double> ServiceThroughputAsync(string tag, int requests, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var handles = new string[requests];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, requests),
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (q, token) => handles[q] = await AcceptAsync([.. Enumerable.Range(0, 1000).Select(i => Url($"tp-{tag}-{q}-{i}"))], token));
            // One status call at a time, oldest request first (the queue is served oldest first): the
            // polling itself must not take the CPU the workers need.
            foreach (var handle in handles)
            {
                while (true)
                {
                    var status = await StatusAsync(handle, cancellationToken);
                    if (status == "Done")
                    {
                        break;
                    }

                    if (status.StartsWith("ERROR", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"a request ended {status}; see the server log");
                    }

                    await Task.Delay(10, cancellationToken);
                }
            }

            return requests * 1000 / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        /// <summary>URLs/s for the same PURGEs sent straight to varnishd.</summary>
        public async Task<double> FloorThroughputAsync(string tag, int requests, CancellationToken cancellationToken)
        {
            var paths = Enumerable.Range(0, requests).SelectMany(q => Enumerable.Range(0, 1000).Select(i => Path($"tp-{tag}-{q}-{i}"))).ToList();
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(
                paths,
                new ParallelOptions { MaxDegreeOfParallelism = options.FloorConcurrency, CancellationToken = cancellationToken },
                async (path, token) =>
                {
                    using var request = new HttpRequestMessage(new HttpMethod("PURGE"), new Uri(options.Varnish, path));
                    request.Headers.Host = options.Host;
                    using var response = await http.SendAsync(request, token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"varnishd answered PURGE with {(int)response.StatusCode} {response.ReasonPhrase}");
                    }
                });
            return paths.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        /// <summary>True when varnishd answered from its cache (X-Varnish carries two transaction ids).</summary>
        private async Task<bool> GetAsync(string path, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Varnish, path));
            request.Headers.Host = options.Host;
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            return response.Headers.TryGetValues("X-Varnish", out var ids) && ids.First().Contains(' ', StringComparison.Ordinal);
        }

        private async Task<string> AcceptAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
        {
            var body = new StringBuilder();
            body.Append("""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.scene7.com/IpsApi/xsd/2012-02-14"><soapenv:Body><ns:cdnCacheInvalidationParam><ns:companyHandle>""")
                .Append(SecurityElement.Escape(options.Company)).Append("</ns:companyHandle><ns:urlArray>");
            foreach (var url in urls)
            {
                body.Append("<ns:items>").Append(SecurityElement.Escape(url)).Append("</ns:items>");
            }

            body.Append("</ns:urlArray></ns:cdnCacheInvalidationParam></soapenv:Body></soapenv:Envelope>");
            var reply = await PostAsync(body.ToString(), "cdnCacheInvalidation", cancellationToken);
            return HandleElement().Match(reply) is { Success: true } match
                ? WebUtility.HtmlDecode(match.Groups[1].Value)
                : throw new InvalidOperationException($"no handle in the reply: {reply}");
        }

        private async Task<string> StatusAsync(string handle, CancellationToken cancellationToken)
        {
            var reply = await PostAsync(
                $"""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.scene7.com/IpsApi/xsd/2012-02-14"><soapenv:Body><ns:getCdnCacheInvalidationStatusParam><ns:invalidationHandle>{SecurityElement.Escape(handle)}</ns:invalidationHandle></ns:getCdnCacheInvalidationStatusParam></soapenv:Body></soapenv:Envelope>""",
                "getCdnCacheInvalidationStatus",
                cancellationToken);
            return StatusElement().Match(reply) is { Success: true } match
                ? match.Groups[1].Value
                : throw new InvalidOperationException($"no status in the reply: {reply}");
        }

        private async Task<string> PostAsync(string envelope, string action, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, options.Target);
            request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{action}\"");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}")));
            request.Content = new StringContent(envelope, Encoding.UTF8, "text/xml");
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {text}");
        }
    }
}
