using IpsApi.Core.InvalidationLog;

namespace IpsApi.Server.Api;

/// <summary>
/// <c>GET /api/v1/invalidations/{handle}</c>: where an invalidation stands (spec §7 names), its counts, what became
/// of each URL (<c>received</c>, <c>invalidated</c>, <c>failed</c> with reasons, as Scaleflex reports them), the
/// reasons of a purge being retried, and its timings.
/// </summary>
public sealed record InvalidationState(
    string Handle,
    string CompanyHandle,
    string Kind,
    string Scope,
    string Status,
    string SubmittedBy,
    InvalidationCounts Counts,
    IReadOnlyList<string> Received,
    IReadOnlyList<string> Invalidated,
    IReadOnlyList<FailedUrl> Failed,
    IReadOnlyList<FailureReason> Retrying,
    InvalidationTimings Timings)
{
    public static InvalidationState From(InvalidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var summary = report.Detail.Summary;
        var progress = report.Progress;
        return new InvalidationState(
            summary.Handle,
            summary.CompanyHandle,
            summary.Kind,
            ApiScopes.FromStored(summary.Scope),
            progress.Status,
            summary.SubmittedBy,
            new InvalidationCounts(summary.UrlCount, progress.SuccessCount, progress.WarningCount, progress.ErrorCount),
            report.Urls.Received,
            report.Urls.Invalidated,
            report.Urls.Failed,
            [.. progress.Warnings.Select(w => new FailureReason(w.Code, w.Reason))],
            new InvalidationTimings(summary.SubmittedAt, report.Detail.EstimatedSeconds, progress.EstimatedSeconds, report.CompletedAt));
    }
}
