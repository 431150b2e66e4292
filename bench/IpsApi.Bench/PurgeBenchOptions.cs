namespace IpsApi.Bench;

/// <summary>The command line of <c>IpsApi.Bench purge</c>.</summary>
internal sealed class PurgeBenchOptions
{
    public const string Usage = """
        usage: IpsApi.Bench purge --target URL --varnish URL --origin-port PORT [options]

        Measures what happens after cdnCacheInvalidation answers, on an ipsapi serve with purge
        workers whose Varnish tier is the varnishd at --varnish (its backend: this process's
        origin on --origin-port):
          latency     light load, one request at a time: from the SOAP reply until a GET through
                      varnishd misses (the object is gone); p50 / p99 per run
          throughput  --requests requests of 1000 URLs submitted together, until every status is
                      Done, in URLs/s; beside the floor: the same PURGE requests sent straight to
                      varnishd by this process with --floor-concurrency in flight

          --target URL            the IpsApi SOAP endpoint (loopback)
          --varnish URL           the varnishd the server purges, e.g. http://127.0.0.1:6081 (loopback)
          --origin-port PORT      where this process serves varnishd's backend
          --runs N                runs of each measurement (default 5)
          --samples N             latency samples per run (default 200)
          --requests N            1000-URL requests per throughput run (default 10)
          --floor-concurrency N   PURGE requests in flight for the floor (default 64: the server's
                                  Purge:Workers x Purge:Varnish:Concurrency as scripts/bench.sh sets them)
          --user, --password, --company, --host, --root, --label   as for the accept benchmark
          --help                  this text
        """;

    public Uri Target { get; private set; } = null!;

    public Uri Varnish { get; private set; } = null!;

    public int OriginPort { get; private set; }

    public int Runs { get; private set; } = 5;

    public int Samples { get; private set; } = 200;

    public int Requests { get; private set; } = 10;

    public int FloorConcurrency { get; private set; } = 64;

    public string User { get; private set; } = "bench@bench.test";

    public string Password { get; private set; } = "bench-password-1";

    public string Company { get; private set; } = "c|1";

    public string Host { get; private set; } = "images.bench.test";

    public string Root { get; private set; } = "Bench";

    public string? Label { get; private set; }

    public bool Help { get; private set; }

    public static PurgeBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PurgeBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value");
            switch (name)
            {
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--target":
                    options.Target = Loopback(name, Value());
                    break;
                case "--varnish":
                    options.Varnish = Loopback(name, Value());
                    break;
                case "--origin-port":
                    options.OriginPort = BenchOptions.Int(name, Value(), 1, 65535);
                    break;
                case "--runs":
                    options.Runs = BenchOptions.Int(name, Value(), 1, 100);
                    break;
                case "--samples":
                    options.Samples = BenchOptions.Int(name, Value(), 1, 100_000);
                    break;
                case "--requests":
                    options.Requests = BenchOptions.Int(name, Value(), 1, 1000);
                    break;
                case "--floor-concurrency":
                    options.FloorConcurrency = BenchOptions.Int(name, Value(), 1, 4096);
                    break;
                case "--user":
                    options.User = Value();
                    break;
                case "--password":
                    options.Password = Value();
                    break;
                case "--company":
                    options.Company = Value();
                    break;
                case "--host":
                    options.Host = Value();
                    break;
                case "--root":
                    options.Root = Value();
                    break;
                case "--label":
                    options.Label = Value();
                    break;
                default:
                    throw new UsageException($"unknown option {name}");
            }
        }

        if (!options.Help && (options.Target is null || options.Varnish is null || options.OriginPort == 0))
        {
            throw new UsageException("--target, --varnish and --origin-port are required");
        }

        return options;
    }

    private static Uri Loopback(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && BenchOptions.IsLoopback(uri)
            ? uri
            : throw new UsageException($"{name} must be an http URL on a loopback address, not '{value}'");
}
