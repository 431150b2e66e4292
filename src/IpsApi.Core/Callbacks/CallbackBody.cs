using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Callbacks;

/// <summary>
/// The JSON a completion callback posts: which request settled and how, worded as
/// <c>getCdnCacheInvalidationStatus</c> words it (the status derived from the batches, the counts, each failed
/// URL with the provider's code and reason). Times are UTC.
/// </summary>
public sealed record CallbackBody(
    string DeliveryId,
    string Handle,
    string Company,
    string Kind,
    string Scope,
    string Status,
    DateTime SubmittedAt,
    DateTime SettledAt,
    string SubmittedBy,
    CallbackBody.UrlCounts Counts,
    IReadOnlyList<CallbackBody.UrlFailure> Failures)
{
    private const string NoReasonStored = "The purge failed after its retries.";

    /// <summary>URLs in the request, in batches that are <c>Done</c>, and in batches that failed.</summary>
    public sealed record UrlCounts(int Urls, int Success, int Error);

    /// <summary>A URL that was not purged: the provider's HTTP status (0 when it never answered) and a reason naming provider and URL.</summary>
    public sealed record UrlFailure(string? Url, int Code, string Reason);

    /// <summary>The body for request <paramref name="requestId"/> of <paramref name="company"/>, or null when the request no longer exists.</summary>
    public static async Task<CallbackBody?> ReadAsync(IpsDbContext db, long requestId, Company company, Guid deliveryId, CancellationToken cancellationToken)
    {
        var companyId = company.Id;
        var request = await db.InvalidationRequests.AsNoTracking()
            .Where(r => r.Id == requestId && r.CompanyId == companyId)
            .Select(r => new
            {
                r.Token,
                r.Kind,
                r.Scope,
                r.CreatedAt,
                r.SubmittedBy,
                r.UrlCount,
                Batches = r.Batches.Select(b => new { b.Id, b.Status, b.UrlCount, b.CompletedAt, b.SettlesAt }).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            return null;
        }

        var failedIds = request.Batches.Where(b => IsFailure(b.Status)).Select(b => b.Id).ToList();
        var failures = new List<UrlFailure>();
        if (failedIds.Count > 0)
        {
            var failed = await db.NotificationBatches.AsNoTracking()
                .Where(b => failedIds.Contains(b.Id))
                .OrderBy(b => b.Sequence)
                .Select(b => new { b.LastError, b.Urls })
                .ToListAsync(cancellationToken);
            foreach (var batch in failed)
            {
                failures.AddRange(string.IsNullOrEmpty(batch.LastError)
                    ? batch.Urls.Select(url => new UrlFailure(url, 0, NoReasonStored))
                    : BatchFailures.ParseWithUrls(batch.LastError).Select(f => new UrlFailure(f.Url, f.Code, f.Reason)));
            }
        }

        var settledAt = request.Batches
            .Select(b => Later(b.CompletedAt, b.SettlesAt))
            .Append(request.CreatedAt)
            .Max();
        return new CallbackBody(
            deliveryId.ToString("D"),
            InvalidationHandle.Format(companyId, requestId, request.Token),
            company.Handle,
            request.Kind,
            request.Scope,
            InvalidationStatus.Derive(request.Batches.Select(b => b.Status)),
            request.CreatedAt.UtcDateTime,
            settledAt.UtcDateTime,
            request.SubmittedBy,
            new UrlCounts(
                request.UrlCount,
                request.Batches.Where(b => b.Status == InvalidationStatus.Done).Sum(b => b.UrlCount),
                request.Batches.Where(b => IsFailure(b.Status)).Sum(b => b.UrlCount)),
            failures);
    }

    private static bool IsFailure(string status) => status is InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode;

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset? b) =>
        (a ?? DateTimeOffset.MinValue) > (b ?? DateTimeOffset.MinValue) ? a ?? DateTimeOffset.MinValue : b ?? DateTimeOffset.MinValue;
}
