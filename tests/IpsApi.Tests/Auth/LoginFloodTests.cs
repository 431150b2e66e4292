using System.Diagnostics;
using System.Globalization;
using System.Net;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Xunit.Abstractions;

namespace IpsApi.Tests.Auth;

/// <summary>Runs alone: it compares latencies with and without a flood, which other tests' load would blur.</summary>
[CollectionDefinition(nameof(LoginFloodTests), DisableParallelization = true)]
public sealed class LoginFloodCollection;

/// <summary>
/// 16 clients sending wrong passwords as fast as they are answered must not slow down a user whose credentials are
/// already verified: their p99 stays within twice its quiet value. The user calls from an address of its own.
/// </summary>
[Collection(nameof(LoginFloodTests))]
public sealed class LoginFloodTests(PostgresDatabaseFixture database, ITestOutputHelper output) : IClassFixture<PostgresDatabaseFixture>
{
    private const int FloodClients = 16;
    private const int Samples = 300;
    private const int Blocks = 10;

    /// <summary>
    /// All from one address, which is locked after 8 failures: from then on the flood is refused without a password
    /// check, and the measurement runs in that state.
    /// </summary>
    [Fact]
    public async Task FloodFromOneAddress_LockedOut_LeavesAnotherUsersP99WithinTwiceItsQuietValue()
    {
        const int addressLimit = 8;
        await using var server = await StartAsync(new() { ["Auth:Throttle:MaxFailuresPerAddress"] = addressLimit.ToString(CultureInfo.InvariantCulture) });
        using var flood = LoopbackSource.Client(LoopbackSource.Unique());

        await MeasureAsync(server, [flood], hashes => hashes.Started >= addressLimit);
    }

    /// <summary>
    /// Each client from an address of its own and every guess a fresh name, so no limit is reached within the test:
    /// every attempt costs a password check, and only the bound on hashes at once protects the other user.
    /// </summary>
    [Fact]
    public async Task FloodFromManyAddresses_EveryGuessChecked_LeavesAnotherUsersP99WithinTwiceItsQuietValue()
    {
        await using var server = await StartAsync([]);
        var flood = Enumerable.Range(0, FloodClients).Select(_ => LoopbackSource.Client(LoopbackSource.Unique())).ToList();
        try
        {
            await MeasureAsync(server, flood, hashes => hashes.Started >= 2);
        }
        finally
        {
            flood.ForEach(client => client.Dispose());
        }
    }

    private async Task<TestServer> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Purge:Workers"] = "0";
        settings["Purge:AssumedUrlsPerSecond"] = "1000000";
        return await TestServer.StartOnPostgresAsync(database.ConnectionString, settings);
    }

    /// <summary>
    /// The user's latencies in alternating blocks, quiet and under the flood, so that the machine's own ups and downs
    /// (other processes share its cores) fall on both alike. Stopping the flood aborts its requests, so a quiet block
    /// starts without checks still queued.
    /// </summary>
    private async Task MeasureAsync(TestServer server, IReadOnlyList<HttpClient> floodClients, Func<HashMeter, bool> floodUnderWay)
    {
        var company = await server.AddCompanyAsync();
        var user = await server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        var request = Envelopes.Invalidate(Envelopes.AuthHeader(user), company.Handle, [PostgresServerFixture.Url(company, "shoe")]);
        await LatenciesAsync(client, server, request, 100);

        using var hashes = new HashMeter(server.Services);
        var quiet = new List<double>();
        var underFlood = new List<double>();
        var floodReplies = 0;
        for (var block = 0; block < Blocks; block++)
        {
            quiet.AddRange(await LatenciesAsync(client, server, request, Samples / Blocks));

            using var stop = new CancellationTokenSource();
            var replies = 0;
            var flooding = Enumerable.Range(0, FloodClients).Select(i => Task.Run(() => FloodAsync(floodClients[i % floodClients.Count], server, company, () => Interlocked.Increment(ref replies), stop.Token))).ToList();
            var deadline = Stopwatch.StartNew();
            var started = hashes.Started;
            while (!floodUnderWay(hashes) || (block > 0 && hashes.Started == started && replies == 0))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the flood never got under way");
                await Task.Delay(5);
            }

            var before = Volatile.Read(ref replies);
            underFlood.AddRange(await LatenciesAsync(client, server, request, Samples / Blocks));
            floodReplies += Volatile.Read(ref replies) - before;
            await stop.CancelAsync();
            await Task.WhenAll(flooding);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"quiet: p50 {Percentile(quiet, 50):0.00} ms, p99 {Percentile(quiet, 99):0.00} ms; "
            + $"flood: p50 {Percentile(underFlood, 50):0.00} ms, p99 {Percentile(underFlood, 99):0.00} ms; "
            + $"{floodReplies} flood replies meanwhile, {hashes.Started} password checks, at most {hashes.MaxActive} at once"));
        Assert.True(Percentile(underFlood, 99) <= 2 * Percentile(quiet, 99),
            string.Create(CultureInfo.InvariantCulture, $"p99 {Percentile(underFlood, 99):0.00} ms under the flood, {Percentile(quiet, 99):0.00} ms quiet"));
    }

    private static async Task FloodAsync(HttpClient http, TestServer server, Core.Companies.Company company, Action replied, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var guess = Envelopes.Invalidate(
                Envelopes.AuthHeader($"guess-{Guid.NewGuid():N}@example.test", "guess"), company.Handle, [PostgresServerFixture.Url(company, "shoe")]);
            try
            {
                var reply = await http.PostAsync(server.ServiceAddress, guess, cancellationToken: stop);
                Assert.Contains("<code>10001</code>", reply.Body, StringComparison.Ordinal);
                replied();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task<List<double>> LatenciesAsync(HttpClient client, TestServer server, string request, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            var reply = await client.PostAsync(server.ServiceAddress, request);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
        }

        return latencies;
    }

    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];
    }
}
