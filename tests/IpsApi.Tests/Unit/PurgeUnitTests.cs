using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Varnish;

namespace IpsApi.Tests.Unit;

public sealed class PurgeUnitTests
{
    [Theory]
    [InlineData(1, 500, 1000)]
    [InlineData(2, 1000, 2000)]
    [InlineData(4, 4000, 8000)]
    [InlineData(20, 30_000, 60_000)]
    public void RetryBackoff_DoublesPerAttempt_WithJitterInTheUpperHalf_CappedAtTheMaximum(int attempt, double lowestMs, double highestMs)
    {
        var baseDelay = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(60);

        Assert.Equal(lowestMs, RetryBackoff.Delay(attempt, baseDelay, max, random: 0).TotalMilliseconds, 3);
        Assert.Equal(highestMs, RetryBackoff.Delay(attempt, baseDelay, max, random: 1).TotalMilliseconds, 3);
        Assert.InRange(RetryBackoff.Delay(attempt, baseDelay, max, random: 0.5).TotalMilliseconds, lowestMs, highestMs);
    }

    [Theory]
    [InlineData("https://images.example.com/is/image/Root/shoe?$thumb$", "https", "images.example.com", "/is/image/Root/shoe?$thumb$")]
    [InlineData("http://images.example.com:8443/is/image/Root/a%20b", "http", "images.example.com:8443", "/is/image/Root/a%20b")]
    [InlineData("HTTPS://IMAGES.Example.COM/is/image/Root/Shoe", "https", "images.example.com", "/is/image/Root/Shoe")]
    [InlineData("https://images.example.com:443/is/image/Root/x", "https", "images.example.com", "/is/image/Root/x")]
    [InlineData("http://images.example.com:80/is/image/Root/x", "http", "images.example.com", "/is/image/Root/x")]
    [InlineData("http://images.example.com:443/is/image/Root/x", "http", "images.example.com:443", "/is/image/Root/x")]
    [InlineData("https://images.example.com:0443/is/image/Root/x", "https", "images.example.com", "/is/image/Root/x")]
    [InlineData("https://images.example.com/is/image/Root/%41%7e%7E?a=%41&$x$", "https", "images.example.com", "/is/image/Root/%41%7e%7E?a=%41&$x$")]
    [InlineData("https://[::1]:443/is/image/Root/x", "https", "[::1]", "/is/image/Root/x")]
    [InlineData("https://images.example.com?q=1", "https", "images.example.com", "/?q=1")]
    public void PurgeTarget_LowerCasesSchemeAndHost_DropsTheDefaultPort_KeepsPathAndQueryByteForByte(string url, string scheme, string authority, string pathAndQuery)
    {
        var target = PurgeTarget.Of(url);

        Assert.Equal((url, scheme, authority, pathAndQuery), (target.Url, target.Scheme, target.Authority, target.PathAndQuery));
        Assert.Equal($"{scheme}://{authority}{pathAndQuery}", target.Canonical);
        Assert.Equal(target, new PurgeTarget(url, target.Canonical));
        Assert.Equal(target.Canonical == url, ReferenceEquals(url, target.Canonical));
    }

    [Fact]
    public void PurgeTargets_OfABatch_AreTheStoredOnes_OrDerivedForABatchStoredBeforeTargetsWere()
    {
        var stored = new IpsApi.Core.Invalidation.NotificationBatch
        {
            Urls = ["https://IMAGES.example.com/is/image/Root/a"],
            Targets = ["https://images.example.com/is/image/Root/a"],
        };
        var older = new IpsApi.Core.Invalidation.NotificationBatch { Urls = ["https://IMAGES.example.com:443/is/image/Root/b"] };

        Assert.Equal([new PurgeTarget(stored.Urls[0], stored.Targets[0])], PurgeTarget.Of(stored));
        Assert.Equal([new PurgeTarget(older.Urls[0], "https://images.example.com/is/image/Root/b")], PurgeTarget.Of(older));
    }

    [Theory]
    [InlineData("/is/image/Root/%41%7e")]
    [InlineData("/is/image/Root/a%20b?x=%2F&y=%zz")]
    [InlineData("/is/image/Root/a{b}|c\"d")]
    public void VerbatimUri_KeepsThePathAndQueryAsGiven(string pathAndQuery)
    {
        var uri = PurgeTarget.VerbatimUri(new Uri("http://127.0.0.1:6081"), pathAndQuery);

        Assert.Equal(pathAndQuery, uri.PathAndQuery);
        Assert.Equal("127.0.0.1:6081", uri.Authority);
    }

    [Theory]
    [InlineData("/is/image/Root/shoe?$thumb$", @"^/is/image/Root/shoe(\?|$)")]
    [InlineData("/is/image/Root/a.b+c", @"^/is/image/Root/a\.b\+c(\?|$)")]
    public void BanExpression_MatchesThePathAndEveryQueryVariant(string pathAndQuery, string expected)
    {
        var expression = VarnishPurgeProvider.BanExpression(pathAndQuery);

        Assert.Equal(expected, expression);
        var regex = new System.Text.RegularExpressions.Regex(expression);
        var path = pathAndQuery.Split('?')[0];
        Assert.Matches(regex, path);
        Assert.Matches(regex, path + "?wid=200");
        Assert.DoesNotMatch(regex, path + "s");
    }

    [Fact]
    public void BatchFailures_RoundTrip_OneFaultPerUrlNamingProviderAndUrl()
    {
        var stored = BatchFailures.Join([
            BatchFailures.Format("varnish", [new UrlFailure("https://h/is/image/R/a", 0, "127.0.0.1:6081 unreachable:\nConnection refused")]),
            BatchFailures.Format("fastly", [new UrlFailure("https://h/is/image/R/b?x=1", 401, "Fastly-Key rejected")]),
        ]);

        Assert.Equal(
            [(0, "varnish: https://h/is/image/R/a: 127.0.0.1:6081 unreachable: Connection refused"), (401, "fastly: https://h/is/image/R/b?x=1: Fastly-Key rejected")],
            BatchFailures.Parse(stored));
    }
}
