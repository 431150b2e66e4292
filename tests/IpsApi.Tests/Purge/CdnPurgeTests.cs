using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Purge;

/// <summary>From a SOAP call through the origin tier and the CDN tier, against the Akamai and Fastly fakes.</summary>
public sealed class CdnPurgeTests
{
    [Fact]
    public async Task OriginThenAkamai_BatchesPassBothTiers_DoneOnlyAfterAkamaisOwnEstimate()
    {
        await using var varnish = await PurgeRecorder.StartAsync();
        await using var akamai = await AkamaiFake.StartAsync();
        akamai.EstimatedSeconds = 2;
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Akamai(akamai))
        {
            ["Purge:Varnish:Nodes:0"] = varnish.Address.ToString(),
        });
        var urls = Enumerable.Range(0, 150).Select(i => stack.Url($"img-{i}?$thumb$")).ToArray();

        var accepted = await stack.AcceptAsync(urls);
        var (_, seen) = await stack.WaitForStatusAsync(accepted.Handle, "Done", TimeSpan.FromSeconds(20));

        // Before Akamai has answered anything, its documented ~5 s is the quote.
        Assert.Equal("5", accepted.Value("estimatedSeconds"));
        Assert.Contains("FlushingCdn", seen);
        Assert.Equal(150, varnish.Total);
        Assert.Equal(2, akamai.Purges.Count);
        Assert.Equal(urls.Order(), akamai.Purges.SelectMany(p => p.Urls).Order());
        Assert.All(akamai.Purges, p => Assert.Equal(("invalidate", "production"), (p.Action, p.Network)));
        var batches = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().OrderBy(b => b.Sequence).ToListAsync());
        Assert.All(batches, b => Assert.Equal(["varnish", "akamai"], b.DoneProviders));
        Assert.Equal(akamai.Purges.Select(p => p.PurgeId).Order(), batches.Select(b => PurgeId(b.Receipts!)).Order());

        // The next quote uses the estimate Akamai gave.
        var next = await stack.AcceptAsync(stack.Url("next"));
        Assert.Equal("2", next.Value("estimatedSeconds"));
    }

    [Fact]
    public async Task AkamaiRateLimit_BatchWaitsAndCompletes_WithoutUsingAttempts()
    {
        await using var akamai = await AkamaiFake.StartAsync(requestBucket: 1, requestsPerSecond: 2);
        akamai.EstimatedSeconds = 0;
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Akamai(akamai))
        {
            ["Purge:Akamai:DefaultThrottleDelay"] = "00:00:00.300",
            ["Purge:MaxAttempts"] = "1",
        });
        var urls = Enumerable.Range(0, 300).Select(i => stack.Url($"img-{i}")).ToArray();

        var handle = (await stack.AcceptAsync(urls)).Handle;
        var (done, seen) = await stack.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(20));

        Assert.DoesNotContain("ERROR_CDN_NODE", seen);
        Assert.Equal("300", done.Value("successCount"));
        Assert.True(akamai.Received > akamai.Purges.Count, "the fake never throttled, so this test proves nothing");
        var attempts = await stack.Server.WithDbAsync(db => db.NotificationBatches.Select(b => b.Attempt).ToListAsync());
        Assert.All(attempts, a => Assert.Equal(0, a));
    }

    [Fact]
    public async Task Fastly_SoftPurgesEachUrlOnce_ThroughSoap()
    {
        await using var fastly = await FastlyFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>
        {
            ["Purge:Fastly:ApiToken"] = fastly.ApiKey,
            ["Purge:Fastly:BaseUri"] = fastly.BaseUri.ToString(),
            ["Purge:Fastly:SoftPurge"] = "true",
        });
        var urls = new[] { stack.Url("a"), stack.Url("b?$thumb$") };

        var handle = (await stack.AcceptAsync(urls)).Handle;
        await stack.WaitForStatusAsync(handle, "Done");

        Assert.All(urls, url => Assert.Equal(1, fastly.Count(url["https://".Length..])));
        Assert.All(fastly.Purges, p => Assert.True(p.Soft));
    }

    [Fact]
    public async Task Fastly_WrongKey_EndsErrorCdnNodeAtOnce_WithFastlysReasonPerUrl()
    {
        await using var fastly = await FastlyFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>
        {
            ["Purge:Fastly:ApiToken"] = "not-the-key",
            ["Purge:Fastly:BaseUri"] = fastly.BaseUri.ToString(),
        });
        var url = stack.Url("a");

        var handle = (await stack.AcceptAsync(url)).Handle;
        var (failed, seen) = await stack.WaitForStatusAsync(handle, "ERROR_CDN_NODE");

        Assert.DoesNotContain("Done", seen);
        Assert.Equal("1", failed.Value("errorCount"));
        Assert.Contains($"<code>401</code><reason>fastly: {url}: ", failed.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", failed.Body, StringComparison.Ordinal);
        Assert.Empty(fastly.Purges);
    }

    private static Dictionary<string, string?> Akamai(AkamaiFake akamai) => new()
    {
        ["Purge:Akamai:Host"] = "akab-test.purge.akamaiapis.net",
        ["Purge:Akamai:BaseUri"] = akamai.BaseUri.ToString(),
        ["Purge:Akamai:ClientToken"] = akamai.Credentials.ClientToken,
        ["Purge:Akamai:AccessToken"] = akamai.Credentials.AccessToken,
        ["Purge:Akamai:ClientSecret"] = akamai.Credentials.ClientSecret,
    };

    private static string PurgeId(string receipts) =>
        System.Text.RegularExpressions.Regex.Match(receipts, @"purgeId=(\S+)").Groups[1].Value;
}
