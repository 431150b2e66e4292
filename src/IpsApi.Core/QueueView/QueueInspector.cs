using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.QueueView;

/// <summary>
/// Reads the queue as stored, for <c>ipsapi queue stats</c> and <c>queue list</c>: purge batches
/// (<c>notification_batches</c>, kind <see cref="PurgeKind"/>) and follow-up jobs (<c>jobs</c>, by kind). A row in
/// an open status (a batch Received, FlushingOrigin or FlushingCdn; a job Pending) is <see cref="QueueState.Leased"/>
/// while its lease has not run out, else <see cref="QueueState.Due"/> once <c>next_attempt_at</c> has come, else
/// <see cref="QueueState.Retrying"/> after a failed attempt or <see cref="QueueState.Scheduled"/> before any.
/// Only reads; the open rows are read whole (the backlog), settled ones only as far as asked.
/// </summary>
public sealed class QueueInspector(IpsDbContext db, TimeProvider clock)
{
    public const string PurgeKind = "purge";
    public const int MinLimit = 1;
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 50;

    public static readonly TimeSpan DrainWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FailureWindow = TimeSpan.FromHours(1);

    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var open = (await OpenAsync(cancellationToken)).Select(row => (Row: row, State: StateOf(row, now))).ToList();
        var failedCounts = await FailedCountsAsync(cancellationToken);
        var settledSince = now - DrainWindow;
        var failedSince = now - FailureWindow;
        var recent = await SettledSinceAsync(failedSince, cancellationToken);

        var kinds = open.Select(o => o.Row.Kind).Concat(failedCounts.Keys).Concat(recent.Select(r => r.Kind))
            .Append(PurgeKind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var stats = kinds.Select(kind =>
        {
            var mine = open.Where(o => o.Row.Kind == kind).ToList();
            var due = mine.Where(o => o.State == QueueState.Due).ToList();
            return new QueueKindStats(
                kind,
                due.Count,
                mine.Count(o => o.State == QueueState.Retrying),
                mine.Count(o => o.State == QueueState.Scheduled),
                mine.Count(o => o.State == QueueState.Leased),
                failedCounts.GetValueOrDefault(kind),
                due.Count == 0 ? (TimeSpan?)null : now - due.Min(o => o.Row.NextAttemptAt),
                recent.Count(r => r.Kind == kind && r.CompletedAt >= settledSince));
        }).ToList();

        var failures = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in recent.Where(r => IsFailed(r.Status)))
        {
            if (row.Kind != PurgeKind)
            {
                Add(failures, "job:" + row.Kind, 1);
                continue;
            }

            foreach (var provider in BatchFailures.ParseWithUrls(row.LastError).Select(f => Provider(f.Reason)))
            {
                Add(failures, provider, 1);
            }
        }

        return new QueueStats(now, stats, failures);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> items, in <paramref name="state"/> and of <paramref name="kind"/> when given:
    /// leased first, then due (oldest first), retrying and scheduled (soonest first), then failed (latest first).
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> ListAsync(QueueState? state, string? kind, int limit, CancellationToken cancellationToken)
    {
        if (limit is < MinLimit or > MaxLimit)
        {
            throw new InvalidSettingException("limit", $"must be from {MinLimit} to {MaxLimit}");
        }

        var now = clock.GetUtcNow();
        var items = new List<QueueItem>();
        if (state != QueueState.Failed)
        {
            items.AddRange((await OpenAsync(cancellationToken))
                .Select(row => Item(row, StateOf(row, now)))
                .Where(item => (state is null || item.State == state) && (kind is null || item.Kind == kind))
                .OrderBy(item => item.State switch { QueueState.Leased => 0, QueueState.Due => 1, QueueState.Retrying => 2, _ => 3 })
                .ThenBy(item => item.NextAttemptAt)
                .ThenBy(item => item.Id)
                .Take(limit));
        }

        if ((state is null or QueueState.Failed) && items.Count < limit)
        {
            items.AddRange((await LatestFailedAsync(limit - items.Count, kind, cancellationToken)).Select(row => Item(row, QueueState.Failed)));
        }

        return items;
    }

    private static QueueState StateOf(Row row, DateTimeOffset now) =>
        row.LeaseExpiresAt is { } lease && lease > now ? QueueState.Leased
        : row.NextAttemptAt <= now ? QueueState.Due
        : row.Attempt > 0 || row.LastError is not null ? QueueState.Retrying
        : QueueState.Scheduled;

    private static QueueItem Item(Row row, QueueState state) =>
        new(row.Kind, row.Id, row.CompanyId, row.RequestId, state, row.Attempt, row.NextAttemptAt, row.CompletedAt, row.LastError);

    private static bool IsFailed(string status) => status is InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode or JobStatus.Failed;

    /// <summary>The provider a stored failure names: its reason reads <c>provider: url: reason</c>.</summary>
    private static string Provider(string reason) => reason.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon ? reason[..colon] : "unknown";

    private static void Add(SortedDictionary<string, int> counts, string key, int count) => counts[key] = counts.GetValueOrDefault(key) + count;

    private Task<List<Row>> OpenAsync(CancellationToken cancellationToken) =>
        db.Database.SqlQuery<Row>($"""
            SELECT 'purge' AS "Kind", id AS "Id", company_id AS "CompanyId", request_id AS "RequestId", status AS "Status", attempt AS "Attempt",
                   lease_expires_at AS "LeaseExpiresAt", next_attempt_at AS "NextAttemptAt", completed_at AS "CompletedAt", last_error AS "LastError"
            FROM notification_batches WHERE status IN ('Received', 'FlushingOrigin', 'FlushingCdn')
            UNION ALL
            SELECT kind, id, company_id, request_id, status, attempt, lease_expires_at, next_attempt_at, completed_at, last_error
            FROM jobs WHERE status = 'Pending'
            """).ToListAsync(cancellationToken);

    private Task<List<Row>> SettledSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<Row>($"""
            SELECT 'purge' AS "Kind", id AS "Id", company_id AS "CompanyId", request_id AS "RequestId", status AS "Status", attempt AS "Attempt",
                   lease_expires_at AS "LeaseExpiresAt", next_attempt_at AS "NextAttemptAt", completed_at AS "CompletedAt",
                   CASE WHEN status IN ('ERROR', 'ERROR_CDN_NODE') THEN last_error END AS "LastError"
            FROM notification_batches WHERE completed_at >= {since} AND status IN ('Done', 'ERROR', 'ERROR_CDN_NODE')
            UNION ALL
            SELECT kind, id, company_id, request_id, status, attempt, lease_expires_at, next_attempt_at, completed_at, NULL
            FROM jobs WHERE completed_at >= {since} AND status IN ('Done', 'Failed')
            """).ToListAsync(cancellationToken);

    private async Task<Dictionary<string, int>> FailedCountsAsync(CancellationToken cancellationToken)
    {
        var counts = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Failed)
            .GroupBy(j => j.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Kind, g => g.Count, cancellationToken);
        counts[PurgeKind] = await db.NotificationBatches.AsNoTracking()
            .CountAsync(b => b.Status == InvalidationStatus.Error || b.Status == InvalidationStatus.ErrorCdnNode, cancellationToken);
        return counts;
    }

    private async Task<List<Row>> LatestFailedAsync(int limit, string? kind, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        if (kind is null or PurgeKind)
        {
            rows.AddRange(await db.Database.SqlQuery<Row>($"""
                SELECT 'purge' AS "Kind", id AS "Id", company_id AS "CompanyId", request_id AS "RequestId", status AS "Status", attempt AS "Attempt",
                       lease_expires_at AS "LeaseExpiresAt", next_attempt_at AS "NextAttemptAt", completed_at AS "CompletedAt", last_error AS "LastError"
                FROM notification_batches WHERE status IN ('ERROR', 'ERROR_CDN_NODE')
                ORDER BY completed_at DESC, id DESC LIMIT {limit}
                """).ToListAsync(cancellationToken));
        }

        if (kind is not PurgeKind)
        {
            var jobs = db.Database.SqlQuery<Row>($"""
                SELECT kind AS "Kind", id AS "Id", company_id AS "CompanyId", request_id AS "RequestId", status AS "Status", attempt AS "Attempt",
                       lease_expires_at AS "LeaseExpiresAt", next_attempt_at AS "NextAttemptAt", completed_at AS "CompletedAt", last_error AS "LastError"
                FROM jobs WHERE status = 'Failed'
                """);
            if (kind is not null)
            {
                jobs = jobs.Where(r => r.Kind == kind);
            }

            rows.AddRange(await jobs.OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken));
        }

        return [.. rows.OrderByDescending(r => r.CompletedAt).ThenByDescending(r => r.Id).Take(limit)];
    }

    /// <summary>A batch or a job as the queue's SQL reads it.</summary>
    internal sealed class Row
    {
        public string Kind { get; set; } = "";

        public long Id { get; set; }

        public int CompanyId { get; set; }

        public long? RequestId { get; set; }

        public string Status { get; set; } = "";

        public int Attempt { get; set; }

        public DateTimeOffset? LeaseExpiresAt { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        public string? LastError { get; set; }
    }
}
