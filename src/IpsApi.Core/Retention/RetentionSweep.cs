using System.Runtime.CompilerServices;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions.Days"/> (<see cref="RetentionOptions.AuditDays"/> for the
/// audit), at most <see cref="RetentionOptions.BatchSize"/> rows per statement, each statement its own transaction,
/// for at most <see cref="RetentionOptions.MaxRunTime"/>.
/// <para>
/// A request goes once it is settled (no open batch, no batch still at work, no follow-up job still pending) and
/// both it and the last of its batches to settle are older than the cutoff: first its batches and jobs, then its
/// audit records are unlinked (they keep its handle, company and URL count), then the request itself. A request in
/// flight is kept whatever its age. The same SQL runs on PostgreSQL and SQLite.
/// </para>
/// </summary>
public sealed class RetentionSweep(IpsDbContext db, TimeProvider clock, IOptions<RetentionOptions> options)
{
    /// <summary>Requests that may go, as <c>r</c>: settled, and nothing of theirs settled or pending since {0} (the cutoff).</summary>
    private const string Expired = $"""
        r.created_at < {"{0}"} AND r.open_batches = 0
        AND NOT EXISTS (SELECT 1 FROM notification_batches b WHERE b.request_id = r.id AND (b.completed_at IS NULL OR b.completed_at >= {"{0}"}))
        AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = r.id AND j.status = '{JobStatus.Pending}')
        """;

    private readonly RetentionOptions options = options.Value;

    /// <summary>Deletes in rounds until nothing due is left or the run's time is spent.</summary>
    public async Task<RetentionReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var total = new RetentionReport(0, 0, 0, 0, 0, 0, Complete: false);
        while (true)
        {
            var (round, more) = await SweepOnceAsync(cancellationToken);
            total = total with
            {
                Requests = total.Requests + round.Requests,
                Batches = total.Batches + round.Batches,
                Jobs = total.Jobs + round.Jobs,
                HookDeliveries = total.HookDeliveries + round.HookDeliveries,
                AuditRecords = total.AuditRecords + round.AuditRecords,
                Statements = total.Statements + round.Statements,
            };
            if (!more)
            {
                return total with { Complete = true };
            }

            if (clock.GetElapsedTime(started) >= options.MaxRunTime)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// One round: each statement deletes (or unlinks) at most <see cref="RetentionOptions.BatchSize"/> rows. More may
    /// be left when any statement reached that size.
    /// </summary>
    public async Task<(RetentionReport Round, bool More)> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-options.Days);
        var auditCutoff = now.AddDays(-options.AuditDays);
        var limit = options.BatchSize;
        var more = false;
        var statements = 0;

        async Task<int> RunAsync(string sql, DateTimeOffset before)
        {
            var rows = await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(sql, before, limit), cancellationToken);
            statements++;
            more |= rows >= limit;
            return rows;
        }

        var batches = await RunAsync($"""
            DELETE FROM notification_batches WHERE id IN (
                SELECT b.id FROM notification_batches b JOIN invalidation_requests r ON r.id = b.request_id
                WHERE {Expired}
                LIMIT {"{1}"})
            """, cutoff);
        var jobs = await RunAsync($"""
            DELETE FROM jobs WHERE id IN (
                SELECT j.id FROM jobs j JOIN invalidation_requests r ON r.id = j.request_id
                WHERE {Expired}
                LIMIT {"{1}"})
            """, cutoff);
        // By their own age (a delivery only guards against replays for minutes), before requests whose deletion would take them along.
        var deliveries = await RunAsync($"""
            DELETE FROM hook_deliveries WHERE id IN (
                SELECT id FROM hook_deliveries WHERE received_at < {"{0}"}
                LIMIT {"{1}"})
            """, cutoff);
        // The audit outlives the request: it keeps the handle, and the link is cut here rather than by the
        // foreign key, so that deleting the request touches no other row.
        await RunAsync($"""
            UPDATE audit_records
            SET handle = (SELECT 'i|' || r.company_id || '|' || r.id || '|' || r.token FROM invalidation_requests r WHERE r.id = audit_records.request_id),
                request_id = NULL
            WHERE id IN (
                SELECT a.id FROM audit_records a JOIN invalidation_requests r ON r.id = a.request_id
                WHERE {Expired}
                LIMIT {"{1}"})
            """, cutoff);
        var requests = await RunAsync($"""
            DELETE FROM invalidation_requests WHERE id IN (
                SELECT r.id FROM invalidation_requests r
                WHERE {Expired}
                  AND NOT EXISTS (SELECT 1 FROM notification_batches b WHERE b.request_id = r.id)
                  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = r.id)
                  AND NOT EXISTS (SELECT 1 FROM audit_records a WHERE a.request_id = r.id)
                LIMIT {"{1}"})
            """, cutoff);
        // Jobs of no request (this run's own predecessors, among others), settled before the cutoff.
        jobs += await RunAsync($"""
            DELETE FROM jobs WHERE id IN (
                SELECT id FROM jobs
                WHERE request_id IS NULL AND status <> '{JobStatus.Pending}' AND completed_at < {"{0}"}
                LIMIT {"{1}"})
            """, cutoff);
        var audits = await RunAsync($"""
            DELETE FROM audit_records WHERE id IN (
                SELECT id FROM audit_records WHERE request_id IS NULL AND at < {"{0}"}
                LIMIT {"{1}"})
            """, auditCutoff);
        return (new RetentionReport(requests, batches, jobs, deliveries, audits, statements, Complete: !more), more);
    }
}
