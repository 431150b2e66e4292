using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Retention;

/// <summary>
/// Puts the next retention run in the job queue. The store keeps at most one run waiting to be claimed (a unique
/// index over waiting <c>retention</c> jobs), so that however many nodes schedule one, one node at a time runs it.
/// </summary>
public sealed class RetentionSchedule(IpsDbContext db, TimeProvider clock)
{
    /// <summary>
    /// After a run: the next one, due at <paramref name="dueAt"/>, unless one is waiting already. The run being done
    /// is leased, so it is not in the way.
    /// </summary>
    public async Task<bool> ScheduleNextAsync(DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO jobs (kind, company_id, status, attempt, unfinished_claims, next_attempt_at, created_at)
            VALUES ({FollowUpKinds.Retention}, 0, {JobStatus.Pending}, 0, 0, {dueAt}, {now})
            ON CONFLICT DO NOTHING
            """, cancellationToken) == 1;
    }

    /// <summary>
    /// Now and then, on every node: a run due at <paramref name="dueAt"/> when none is waiting or
    /// running, which restarts the chain of runs if a run ended without scheduling the next (the store was down).
    /// </summary>
    public async Task<bool> EnsureScheduledAsync(DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO jobs (kind, company_id, status, attempt, unfinished_claims, next_attempt_at, created_at)
            SELECT {FollowUpKinds.Retention}, 0, {JobStatus.Pending}, 0, 0, {dueAt}, {now}
            WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = {FollowUpKinds.Retention} AND status = {JobStatus.Pending})
            ON CONFLICT DO NOTHING
            """, cancellationToken) == 1;
    }
}
