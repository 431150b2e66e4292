using IpsApi.Core.Invalidation;

namespace IpsApi.Core.InvalidationLog;

/// <summary>One invalidation as its submitter may see it: where it stands (as <c>getCdnCacheInvalidationStatus</c> says), what is stored about it, and what became of each URL.</summary>
public sealed record InvalidationReport(InvalidationProgress Progress, InvalidationDetail Detail, UrlOutcome Urls)
{
    /// <summary>When the last batch settled; null while any batch is still open.</summary>
    public DateTimeOffset? CompletedAt =>
        Detail.Batches.Count > 0 && InvalidationStatus.IsTerminal(Progress.Status) && Detail.Batches.All(b => b.CompletedAt is not null)
            ? Detail.Batches.Max(b => b.CompletedAt)
            : null;
}
