namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// What became of each URL of a request, as Scaleflex's invalidation API reports it: every URL
/// <see cref="Received"/>, those whose batch every tier purged <see cref="Invalidated"/>, and those whose batch
/// ended <c>ERROR</c> or <c>ERROR_CDN_NODE</c> <see cref="Failed"/>, each with why.
/// </summary>
public sealed record UrlOutcome(IReadOnlyList<string> Received, IReadOnlyList<string> Invalidated, IReadOnlyList<FailedUrl> Failed)
{
    /// <summary>The outcome of each URL from its batch: a pure function of the stored batches.</summary>
    public static UrlOutcome From(IReadOnlyList<BatchDetail> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var received = new List<string>();
        var invalidated = new List<string>();
        var failed = new List<FailedUrl>();
        foreach (var batch in batches)
        {
            received.AddRange(batch.Urls);
            if (batch.Status == Invalidation.InvalidationStatus.Done)
            {
                invalidated.AddRange(batch.Urls);
            }
            else if (batch.Status is Invalidation.InvalidationStatus.Error or Invalidation.InvalidationStatus.ErrorCdnNode)
            {
                var byUrl = batch.Failures.Where(f => f.Url is not null).ToLookup(f => f.Url!, StringComparer.Ordinal);
                IReadOnlyList<UrlFailureDetail> batchWide = [.. batch.Failures.Where(f => f.Url is null)];
                foreach (var url in batch.Urls)
                {
                    var reasons = byUrl[url].ToList() is { Count: > 0 } own ? own
                        : batchWide.Count > 0 ? batchWide
                        : [new UrlFailureDetail(0, $"Failed to invalidate CDN cache: batch {batch.Number} ended {batch.Status} after its retries.", url)];
                    failed.Add(new FailedUrl(url, [.. reasons.Select(r => new FailureReason(r.Code, r.Reason))]));
                }
            }
        }

        return new UrlOutcome(received, invalidated, failed);
    }
}
