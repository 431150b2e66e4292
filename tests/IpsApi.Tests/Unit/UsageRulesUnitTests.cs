using IpsApi.Core.Usage;

namespace IpsApi.Tests.Unit;

public sealed class UsageRulesUnitTests
{
    [Theory]
    [InlineData(3, 0, 2, 0, 1, false)]
    [InlineData(3, 0, 3, 0, 1, true)]
    [InlineData(0, 0, 1000, 100000, 1000, false)]
    [InlineData(0, 250, 0, 249, 1, false)]
    [InlineData(0, 250, 0, 250, 1, true)]
    [InlineData(0, 250, 0, 0, 250, false)]
    [InlineData(0, 250, 0, 0, 251, true)]
    public void Broken_AtTheEdge(int requestsPerMinute, int urlsPerHour, int requestsLastMinute, long urlsLastHour, int urlCount, bool broken)
    {
        var count = new UsageCount(true, requestsPerMinute, urlsPerHour, requestsLastMinute, urlsLastHour);

        Assert.Equal(broken, count.Broken(urlCount) is not null);
    }

    [Fact]
    public void OverLimit_RoundsTheTimeUpToTheSecond_AndRetryAfterToWholeSeconds()
    {
        var now = new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
        var fitsAt = now.AddSeconds(59).AddMilliseconds(1);

        var fault = UsageRules.OverLimit("c|1", UsageLimit.UrlsPerHour, 5000, 4990, 20, fitsAt, now);

        Assert.Equal(
            "Usage limit reached: company c|1 may invalidate at most 5000 URLs per hour; 4990 were accepted in the last hour and this request has 20. "
            + "The limit allows it again at 2026-12-02T15:01:00Z. Nothing was invalidated.",
            fault.Reason);
        Assert.Equal(TimeSpan.FromSeconds(60), fault.RetryAfter);
    }
}
