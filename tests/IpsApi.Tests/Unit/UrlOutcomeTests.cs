using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;

namespace IpsApi.Tests.Unit;

/// <summary>What became of each URL, from its batch: received all, invalidated when Done, failed with its own reasons or the batch's.</summary>
public sealed class UrlOutcomeTests
{
    [Fact]
    public void Urls_AreReceivedAll_InvalidatedWhenTheirBatchIsDone_FailedWithTheirOwnReasonsOrTheBatchs()
    {
        var batches = new[]
        {
            Batch(1, InvalidationStatus.Done, [], "a", "b"),
            Batch(2, InvalidationStatus.ErrorCdnNode, [new UrlFailureDetail(403, "cdn: c: Forbidden", "c")], "c", "d"),
            Batch(3, InvalidationStatus.Error, [], "e"),
            Batch(4, InvalidationStatus.FlushingCdn, [], "f"),
        };

        var outcome = UrlOutcome.From(batches);

        Assert.Equal(["a", "b", "c", "d", "e", "f"], outcome.Received);
        Assert.Equal(["a", "b"], outcome.Invalidated);
        Assert.Equal(["c", "d", "e"], outcome.Failed.Select(f => f.Url));
        Assert.Equal([new FailureReason(403, "cdn: c: Forbidden")], outcome.Failed[0].Reasons);
        Assert.Equal("Failed to invalidate CDN cache: batch 2 ended ERROR_CDN_NODE after its retries.", Assert.Single(outcome.Failed[1].Reasons).Reason);
        Assert.Equal("Failed to invalidate CDN cache: batch 3 ended ERROR after its retries.", Assert.Single(outcome.Failed[2].Reasons).Reason);
    }

    private static BatchDetail Batch(int number, string status, UrlFailureDetail[] failures, params string[] urls) =>
        new(number, status, 1, null, null, null, [], [], failures, urls);
}
