using System.Globalization;

namespace IpsApi.Bench;

/// <summary>The command line of the benchmark.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: IpsApi.Bench --target URL [options]

        Benchmarks cdnCacheInvalidation on an IpsApi SOAP endpoint against a do-nothing
        floor endpoint hosted in this process (same client, same bodies, fixed reply).

          --target URL         the IpsApi SOAP endpoint, e.g. http://127.0.0.1:8080/scene7/services/IpsApiService
                               (loopback addresses only)
          --clients N          concurrent closed-loop workers sharing one HttpClient (default 8)
          --duration SECONDS   length of each measured run (default 10)
          --warmup SECONDS     unmeasured warm-up per scenario and target (default 20: the JIT tiers up slowly on a saturated 2-core machine)
          --runs N             measured runs per scenario and target (default 5)
          --scenario S         1000, 1 or all (default all): URLs per request
          --user EMAIL         IPS user (default bench@bench.test)
          --password TEXT      its password (default bench-password-1)
          --company HANDLE     company handle (default c|1)
          --host HOST          the company's publish host (default images.bench.test)
          --root ROOT          the company's root ID (default Bench)
          --label TEXT         a note about the server setup, printed with the results
          --watch NAME=PID     report the CPU used by process PID and its descendants during each
                               run (Linux /proc; repeatable), e.g. --watch ipsapi=1234; the first is
                               the server: its CPU ms per request and peak RSS (VmHWM) are reported
          --server-metrics URL the server's Prometheus /metrics (loopback), read before and after each
                               run for the bytes its GC allocated per request
          --help               this text

        Every run stops by itself: (warmup + runs x duration) per scenario and target, then
        runs x duration of paced load at half the measured rate for the 1000-URL scenario.
        """;

    public Uri Target { get; private set; } = null!;

    public int Clients { get; private set; } = 8;

    public double DurationSeconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 20;

    public int Runs { get; private set; } = 5;

    public IReadOnlyList<int> Scenarios { get; private set; } = [1000, 1];

    public string User { get; private set; } = "bench@bench.test";

    public string Password { get; private set; } = "bench-password-1";

    public string Company { get; private set; } = "c|1";

    public string Host { get; private set; } = "images.bench.test";

    public string Root { get; private set; } = "Bench";

    public string? Label { get; private set; }

    public IReadOnlyList<(string Name, int Pid)> Watch => watch;

    public Uri? ServerMetrics { get; private set; }

    public bool Help { get; private set; }

    private readonly List<(string Name, int Pid)> watch = [];

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        string? target = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var inline = default(string);
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{name} needs a value");
                }

                return args[++i];
            }

            switch (name)
            {
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--target":
                    target = Value();
                    break;
                case "--clients":
                    options.Clients = Int(name, Value(), 1, 1024);
                    break;
                case "--duration":
                    options.DurationSeconds = Seconds(name, Value(), 0.5, 3600);
                    break;
                case "--warmup":
                    options.WarmupSeconds = Seconds(name, Value(), 0, 3600);
                    break;
                case "--runs":
                    options.Runs = Int(name, Value(), 1, 100);
                    break;
                case "--scenario":
                    options.Scenarios = Value() switch
                    {
                        "all" => [1000, 1],
                        "1000" => [1000],
                        "1" => [1],
                        var other => throw new UsageException($"--scenario must be 1000, 1 or all, not '{other}'"),
                    };
                    break;
                case "--user":
                    options.User = NonEmpty(name, Value());
                    break;
                case "--password":
                    options.Password = NonEmpty(name, Value());
                    break;
                case "--company":
                    options.Company = NonEmpty(name, Value());
                    break;
                case "--host":
                    options.Host = NonEmpty(name, Value());
                    break;
                case "--root":
                    options.Root = NonEmpty(name, Value());
                    break;
                case "--label":
                    options.Label = Value();
                    break;
                case "--watch":
                    options.watch.Add(Watched(Value()));
                    break;
                case "--server-metrics":
                    options.ServerMetrics = LoopbackHttp(name, Value());
                    break;
                default:
                    throw new UsageException($"unknown argument '{args[i]}'");
            }
        }

        if (options.Help)
        {
            return options;
        }

        if (target is null)
        {
            throw new UsageException("--target URL is required");
        }

        options.Target = LoopbackHttp("--target", target);
        return options;
    }

    private static Uri LoopbackHttp(string name, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"{name} '{value}' is not an absolute http:// URL");
        }

        return IsLoopback(uri)
            ? uri
            : throw new UsageException($"{name} '{value}' is not a loopback address (127.0.0.0/8, ::1 or localhost)");
    }

    /// <summary>127.0.0.0/8, ::1 or localhost: the benchmark never loads another machine.</summary>
    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback
        || (System.Net.IPAddress.TryParse(uri.IdnHost, out var address) && System.Net.IPAddress.IsLoopback(address));

    internal static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{name} must be a whole number from {min} to {max}, not '{value}'");

    private static double Seconds(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max
            ? s
            : throw new UsageException($"{name} must be a number of seconds from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{value}'");

    private static (string Name, int Pid) Watched(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 && !value[..eq].Contains(' ', StringComparison.Ordinal)
            && int.TryParse(value[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? (value[..eq], pid)
            : throw new UsageException($"--watch must be NAME=PID, not '{value}'");
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new UsageException($"{name} must not be empty");
}
