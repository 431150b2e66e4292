using System.Text.RegularExpressions;
using IpsApi.Tests.Support;
using Xunit.Abstractions;

namespace IpsApi.Tests.Purge;

/// <summary>
/// Akamai's limits are per account, whatever the number of clients: three <c>ipsapi worker</c> processes with four
/// workers each spend one budget kept in PostgreSQL, and together stay within it.
/// </summary>
public sealed partial class SharedBudgetTests(ITestOutputHelper output)
{
    private const double Capacity = 10;
    private const double PerSecond = 5;
    private const int Calls = 150;

    [Fact]
    public async Task ThreeWorkerProcesses_FourWorkersEach_ShareOneAkamaiBudget_No429_AtTheBudgetsRate()
    {
        // Akamai's buckets, small, refilling at the budget's rate. A call reaches Akamai a little after its tokens were
        // taken, and that delay varies: calls taken apart can arrive together. On this machine (several test runs on
        // two cores) it reached half a second and more, so with Akamai's capacity equal to the budget's, or two tokens
        // above it, the fake answered 2 and 3 calls of 50 with 429. Twice the capacity absorbs two seconds of it and
        // still refuses a budget that is not shared: three processes each spending 10 at 5/s would send 15/s.
        await using var akamai = await AkamaiFake.StartAsync(requestBucket: Capacity * 2, requestsPerSecond: PerSecond);
        akamai.EstimatedSeconds = 0;
        var settings = new Dictionary<string, string?>
        {
            ["Purge:Akamai:Host"] = "akab-test.purge.akamaiapis.net",
            ["Purge:Akamai:BaseUri"] = akamai.BaseUri.ToString(),
            ["Purge:Akamai:ClientToken"] = akamai.Credentials.ClientToken,
            ["Purge:Akamai:AccessToken"] = akamai.Credentials.AccessToken,
            ["Purge:Akamai:ClientSecret"] = akamai.Credentials.ClientSecret,
            ["Purge:Akamai:Budget:Requests:Capacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Purge:Akamai:Budget:Requests:PerSecond"] = PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Purge:Origin"] = "none",
        };
        // One URL a batch: a request of 150 URLs is 150 batches, 150 Akamai calls (about half a minute), queued at once.
        await using var api = await PurgeStack.StartAsync(new Dictionary<string, string?>(settings) { ["Purge:Workers"] = "0", ["Invalidation:BatchSize"] = "1" });
        var workers = new Dictionary<string, string?>(settings)
        {
            ["Purge:Workers"] = "4",
            ["Purge:PollInterval"] = "00:00:00.100",
        };
        await using var first = await IpsApiServer.StartAsync(api.ConnectionString, workers, "worker");
        await using var second = await IpsApiServer.StartAsync(api.ConnectionString, workers, "worker");
        await using var third = await IpsApiServer.StartAsync(api.ConnectionString, workers, "worker");

        // All three processes are running: a backlog that keeps all twelve workers asking from the start.
        var handle = (await api.AcceptAsync([.. Enumerable.Range(0, Calls).Select(i => api.Url($"img-{i}"))])).Handle;
        await api.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(120));

        var accepted = akamai.Purges.Select(p => p.AcceptedAt).Order().ToList();
        // The steady part: after the bucket's first burst has been spent, while the backlog lasts. The rate is the slope
        // of calls over time (least squares), so that one late call at either end does not decide it.
        var steady = accepted.Skip((int)Capacity + 2).ToList();
        var rate = Slope(steady);
        var overall = (accepted.Count - Capacity) / (accepted[^1] - accepted[0]).TotalSeconds;
        output.WriteLine($"{akamai.Received} calls, {akamai.Purges.Count} accepted, {akamai.Throttled} answered 429; "
            + $"steady rate {rate:0.000}/s over {steady.Count} calls, whole run {overall:0.000}/s beyond the burst; budget {PerSecond}/s");
        var perProcess = new[] { first, second, third }.Select(p => DoneLine().Matches(p.Output).Count).ToArray();
        output.WriteLine($"batches done per process: {string.Join(", ", perProcess)}");

        Assert.Equal(0, akamai.Throttled);
        Assert.Equal(Calls, akamai.Purges.Count);
        Assert.InRange(rate, PerSecond * 0.9, PerSecond * 1.1);
        Assert.All(perProcess, done => Assert.True(done > 0, $"every process took part: {string.Join(", ", perProcess)}"));
    }

    /// <summary>Calls per second: the least-squares slope of the call count over the time of each call.</summary>
    private static double Slope(List<DateTimeOffset> times)
    {
        var x = times.Select(t => (t - times[0]).TotalSeconds).ToArray();
        var meanX = x.Average();
        var meanY = (x.Length - 1) / 2.0;
        var covariance = x.Select((value, i) => (value - meanX) * (i - meanY)).Sum();
        var variance = x.Select(value => (value - meanX) * (value - meanX)).Sum();
        return covariance / variance;
    }

    [GeneratedRegex(@"Batch \d+ of request \d+ done")]
    private static partial Regex DoneLine();
}
