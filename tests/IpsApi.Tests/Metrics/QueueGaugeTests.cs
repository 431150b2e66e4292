using IpsApi.Core.Metrics;
using IpsApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Metrics;

/// <summary>
/// The queue gauges read the store at most once per <c>Metrics:QueueReadInterval</c>, whatever the number of scrapes:
/// scrapes inside the interval are answered from one reading, and the first scrape at its end reads again.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class QueueGaugeTests
{
    [Fact]
    public async Task ScrapesInsideTheInterval_ShareOneReading_TheFirstAtItsEndReadsAgain_AndShowsTheDueBatchAndItsAge()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?> { ["Purge:Workers"] = "0", ["Metrics:QueueReadInterval"] = "00:00:15" }, clock);
        var gauges = stack.Server.Services.GetRequiredService<QueueGauges>();

        var first = await MetricsScrape.GetAsync(stack.Server.Http);
        await stack.AcceptAsync(stack.Url("shoe"));
        var second = await MetricsScrape.GetAsync(stack.Server.Http);
        clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        var third = await MetricsScrape.GetAsync(stack.Server.Http);
        var readsInside = gauges.Reads;
        clock.Advance(TimeSpan.FromTicks(1));
        var fourth = await MetricsScrape.GetAsync(stack.Server.Http);

        Assert.Equal(1, readsInside);
        Assert.Equal(2, gauges.Reads);
        foreach (var inside in new[] { first, second, third })
        {
            Assert.Equal(0, inside.Single("ipsapi_queue_jobs", ("kind", "purge"), ("state", "due")));
            Assert.Equal(0, inside.Single("ipsapi_queue_oldest_due_seconds", ("kind", "purge")));
        }

        Assert.Equal(1, fourth.Single("ipsapi_queue_jobs", ("kind", "purge"), ("state", "due")));
        Assert.Equal(0, fourth.Single("ipsapi_queue_jobs", ("kind", "purge"), ("state", "leased")));
        Assert.Equal(0, fourth.Single("ipsapi_queue_jobs", ("kind", "mail"), ("state", "due")));
        Assert.Equal(0, fourth.Single("ipsapi_queue_jobs", ("kind", "callback"), ("state", "waiting")));
        Assert.Equal(15, fourth.Single("ipsapi_queue_oldest_due_seconds", ("kind", "purge")), 3);
    }
}
