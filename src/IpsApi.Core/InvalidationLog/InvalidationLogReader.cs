using System.Linq.Expressions;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// Reads the invalidation log: every request, manual or automatic, with its status derived from its
/// batches as <c>getCdnCacheInvalidationStatus</c> derives it (a batch a CDN is still spreading is
/// <c>FlushingCdn</c> until the CDN's own estimate has passed). It authorises nothing: callers that
/// serve users check their access first. Newest first is highest id first: ids are handed out as requests
/// are stored.
/// </summary>
public sealed class InvalidationLogReader(IpsDbContext db, DatabaseSettings settings, TimeProvider clock)
{
    /// <summary>Requests read at a time on the embedded store, whose status filter runs here rather than in SQL.</summary>
    private const int ScanPage = 500;

    /// <summary>The statuses a listing can be filtered by (spec §7; <c>Preparing</c> is never stored).</summary>
    public static readonly IReadOnlyList<string> FilterableStatuses =
    [
        InvalidationStatus.Received, InvalidationStatus.FlushingOrigin, InvalidationStatus.FlushingCdn,
        InvalidationStatus.Done, InvalidationStatus.ErrorCdnNode, InvalidationStatus.Error,
    ];

    public async Task<IReadOnlyList<InvalidationSummary>> ListAsync(InvalidationLogFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        var requests = db.InvalidationRequests.AsNoTracking();
        if (filter.CompanyId is { } companyId)
        {
            requests = requests.Where(r => r.CompanyId == companyId);
        }

        if (filter.BeforeId is { } beforeId)
        {
            requests = requests.Where(r => r.Id < beforeId);
        }

        if (filter.Kind is { } kind)
        {
            requests = requests.Where(r => r.Kind == kind);
        }

        if (filter.Since is { } since)
        {
            if (settings.Provider == DatabaseProvider.Postgres)
            {
                requests = requests.Where(r => r.CreatedAt >= since);
            }
            else
            {
                var firstId = await FirstIdSinceAsync(since, cancellationToken);
                requests = requests.Where(r => r.Id >= firstId);
            }
        }

        var limit = Math.Clamp(filter.Limit, 1, InvalidationLogFilter.MaxLimit);
        if (filter.Status is null || settings.Provider == DatabaseProvider.Postgres)
        {
            if (filter.Status is { } status)
            {
                requests = requests.Where(HasStatus(status, now));
            }

            return [.. (await Rows(requests, limit).ToListAsync(cancellationToken)).Select(row => Summarise(row, now))];
        }

        // SQLite cannot compare DateTimeOffset values in a query, which the status of a batch a CDN is still
        // spreading needs; the embedded store's log is small, so it is read a page at a time and filtered here.
        var found = new List<InvalidationSummary>();
        for (var before = long.MaxValue; found.Count < limit;)
        {
            var from = before;
            var page = await Rows(requests.Where(r => r.Id < from), ScanPage).ToListAsync(cancellationToken);
            found.AddRange(page.Select(row => Summarise(row, now)).Where(summary => summary.Status == filter.Status));
            if (page.Count < ScanPage)
            {
                break;
            }

            before = page[^1].Id;
        }

        return [.. found.Take(limit)];
    }

    private static IQueryable<SummaryRow> Rows(IQueryable<InvalidationRequest> requests, int limit) =>
        requests
            .OrderByDescending(r => r.Id)
            .Take(limit)
            .Select(r => new SummaryRow(r.Id, r.CompanyId, r.Token, r.Kind, r.Scope, r.CreatedAt, r.SubmittedBy, r.UrlCount,
                r.Batches.Select(b => new BatchStatusRow(b.Status, b.SettlesAt)).ToList()));

    /// <summary>On SQLite, where the stored text of UTC instants sorts as the instants do: the first request stored at or after <paramref name="since"/>.</summary>
    private async Task<long> FirstIdSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<long?>($"SELECT MIN(id) AS \"Value\" FROM invalidation_requests WHERE created_at >= {since.ToUniversalTime()}")
            .SingleAsync(cancellationToken) ?? long.MaxValue;

    /// <summary>One invalidation by its handle, or null when no stored request has that handle.</summary>
    public async Task<InvalidationDetail?> FindAsync(string handle, CancellationToken cancellationToken)
    {
        if (!InvalidationHandle.TryParse(handle, out var companyId, out var requestId, out var token))
        {
            return null;
        }

        var request = await db.InvalidationRequests.AsNoTracking()
            .Include(r => r.Company)
            .Include(r => r.Batches)
            .AsSplitQuery()
            .SingleOrDefaultAsync(r => r.Id == requestId && r.CompanyId == companyId, cancellationToken);
        if (request is null || !InvalidationHandle.TokenMatches(request.Token, token))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var batches = request.Batches.OrderBy(b => b.Sequence).ToList();
        var numbers = batches.ToDictionary(b => b.Id, b => b.Sequence + 1);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.RequestId == requestId).OrderBy(j => j.Id).ToListAsync(cancellationToken);
        var audit = await db.AuditRecords.AsNoTracking().Where(a => a.RequestId == requestId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var summary = Summarise(
            new SummaryRow(request.Id, request.CompanyId, request.Token, request.Kind, request.Scope, request.CreatedAt, request.SubmittedBy, request.UrlCount,
                [.. batches.Select(b => new BatchStatusRow(b.Status, b.SettlesAt))]),
            now);
        return new InvalidationDetail(
            summary,
            request.Company!.Name,
            request.EstimatedSeconds,
            request.EmailCcOriginator,
            request.EmailOthers,
            [.. batches.Select(b => new BatchDetail(
                b.Sequence + 1,
                BatchStatus(b.Status, b.SettlesAt, now),
                b.Attempt,
                InvalidationStatus.IsTerminal(b.Status) ? null : b.NextAttemptAt,
                b.CompletedAt,
                b.SettlesAt,
                b.DoneProviders,
                b.Receipts?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [],
                [.. BatchFailures.ParseWithUrls(b.LastError).Select(f => new UrlFailureDetail(f.Code, f.Reason, f.Url))],
                b.Urls))],
            [.. jobs.Select(j => new FollowUpDetail(
                j.Kind,
                j.BatchId is { } batchId && numbers.TryGetValue(batchId, out var number) ? number : null,
                j.Status,
                j.Attempt,
                j.CreatedAt,
                j.Status == JobStatus.Pending ? j.NextAttemptAt : null,
                j.CompletedAt,
                j.Result,
                j.LastError))],
            [.. audit.Select(a => new AuditDetail(a.Action, a.Detail, a.At, a.UserEmail, a.AppName, a.AppVersion, a.ClientAddress))]);
    }

    private static InvalidationSummary Summarise(SummaryRow row, DateTimeOffset now) =>
        new(
            InvalidationHandle.Format(row.CompanyId, row.Id, row.Token),
            CompanyHandle.Format(row.CompanyId),
            row.Kind,
            row.Scope,
            row.CreatedAt,
            row.SubmittedBy,
            row.UrlCount,
            InvalidationStatus.Derive(row.Batches.Select(b => BatchStatus(b.Status, b.SettlesAt, now))));

    /// <summary>A batch a CDN took but is still spreading counts as <c>FlushingCdn</c> until it has.</summary>
    private static string BatchStatus(string status, DateTimeOffset? settlesAt, DateTimeOffset now) =>
        status == InvalidationStatus.Done && settlesAt > now ? InvalidationStatus.FlushingCdn : status;

    /// <summary>
    /// <see cref="InvalidationStatus.Derive"/> as a query: a failure wins (ERROR before ERROR_CDN_NODE), otherwise
    /// the least advanced batch's stage.
    /// </summary>
    private static Expression<Func<InvalidationRequest, bool>> HasStatus(string status, DateTimeOffset now) => status switch
    {
        InvalidationStatus.Error => r => r.Batches.Any(b => b.Status == InvalidationStatus.Error),
        InvalidationStatus.ErrorCdnNode => r => !r.Batches.Any(b => b.Status == InvalidationStatus.Error)
            && r.Batches.Any(b => b.Status == InvalidationStatus.ErrorCdnNode),
        InvalidationStatus.Received => r => !r.Batches.Any(b => b.Status == InvalidationStatus.Error || b.Status == InvalidationStatus.ErrorCdnNode)
            && r.Batches.Any(b => b.Status == InvalidationStatus.Received),
        InvalidationStatus.FlushingOrigin => r => !r.Batches.Any(b => b.Status == InvalidationStatus.Error || b.Status == InvalidationStatus.ErrorCdnNode
                || b.Status == InvalidationStatus.Received)
            && r.Batches.Any(b => b.Status == InvalidationStatus.FlushingOrigin),
        InvalidationStatus.FlushingCdn => r => !r.Batches.Any(b => b.Status == InvalidationStatus.Error || b.Status == InvalidationStatus.ErrorCdnNode
                || b.Status == InvalidationStatus.Received || b.Status == InvalidationStatus.FlushingOrigin)
            && r.Batches.Any(b => b.Status == InvalidationStatus.FlushingCdn || (b.Status == InvalidationStatus.Done && b.SettlesAt > now)),
        InvalidationStatus.Done => r => r.Batches.All(b => b.Status == InvalidationStatus.Done && (b.SettlesAt == null || b.SettlesAt <= now)),
        _ => throw new ArgumentException($"'{status}' is not a status an invalidation can have; one of {string.Join(", ", FilterableStatuses)}.", nameof(status)),
    };

    private sealed record SummaryRow(
        long Id, int CompanyId, string Token, string Kind, string Scope, DateTimeOffset CreatedAt, string SubmittedBy, int UrlCount, List<BatchStatusRow> Batches);

    private sealed record BatchStatusRow(string Status, DateTimeOffset? SettlesAt);
}
