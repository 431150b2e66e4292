using System.Text.Json;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Jobs;

/// <summary>
/// The job queue over <c>jobs</c>, claimed and leased as <see cref="Purge.Queue.BatchQueue"/> claims batches:
/// the oldest due job of a kind this process handles, <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, its
/// <c>next_attempt_at</c> pushed to the lease's end so that a job whose worker died becomes due again by itself.
/// Every later write is guarded by the lease token.
/// </summary>
public sealed class JobQueue(IpsDbContext db, DatabaseSettings settings, TimeProvider clock, IOptions<JobOptions> options)
{
    private readonly JobOptions options = options.Value;

    /// <summary>Claims the oldest due job of one of <paramref name="kinds"/>, or returns null when none is due.</summary>
    public async Task<Job?> ClaimAsync(IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Lease;
        var token = Guid.NewGuid();
        var query = settings.Provider == DatabaseProvider.Postgres
            ? db.Jobs.FromSql($"""
                UPDATE jobs AS j
                SET lease_token = {token}, lease_expires_at = {until}, next_attempt_at = {until},
                    unfinished_claims = j.unfinished_claims + 1
                FROM (SELECT id FROM jobs
                      WHERE status = 'Pending' AND next_attempt_at <= {now} AND kind = ANY({kinds.ToArray()})
                      ORDER BY next_attempt_at, id
                      LIMIT 1
                      FOR UPDATE SKIP LOCKED) AS due
                WHERE j.id = due.id
                RETURNING j.*
                """)
            : db.Jobs.FromSql($"""
                UPDATE jobs
                SET lease_token = {token}, lease_expires_at = {until}, next_attempt_at = {until},
                    unfinished_claims = unfinished_claims + 1
                WHERE id = (SELECT id FROM jobs
                            WHERE status = 'Pending' AND next_attempt_at <= {now}
                              AND kind IN (SELECT value FROM json_each({JsonSerializer.Serialize(kinds)}))
                            ORDER BY next_attempt_at, id
                            LIMIT 1)
                RETURNING *
                """);
        var claimed = await query.AsNoTracking().ToListAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Extends the lease of a job still being worked on; false when it was lost meanwhile.</summary>
    public Task<bool> RenewAsync(Job job, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + options.Lease;
        return UpdateAsync(job, set => set
            .SetProperty(j => j.LeaseExpiresAt, until)
            .SetProperty(j => j.NextAttemptAt, until), cancellationToken);
    }

    public Task<bool> CompleteAsync(Job job, string result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return SettleAsync(job, set => set
            .SetProperty(j => j.Status, JobStatus.Done)
            .SetProperty(j => j.CompletedAt, now)
            .SetProperty(j => j.Result, result)
            .SetProperty(j => j.LastError, (string?)null), cancellationToken);
    }

    public Task<bool> RetryLaterAsync(Job job, DateTimeOffset nextAttemptAt, int attempt, string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(job, set => set
            .SetProperty(j => j.NextAttemptAt, nextAttemptAt)
            .SetProperty(j => j.Attempt, attempt)
            .SetProperty(j => j.LastError, lastError), cancellationToken);

    public Task<bool> FailAsync(Job job, int attempt, string lastError, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return SettleAsync(job, set => set
            .SetProperty(j => j.Status, JobStatus.Failed)
            .SetProperty(j => j.Attempt, attempt)
            .SetProperty(j => j.CompletedAt, now)
            .SetProperty(j => j.LastError, lastError), cancellationToken);
    }

    /// <summary>On shutdown: due again at once for any worker, nothing counted against it.</summary>
    public Task<bool> ReleaseAsync(Job job, CancellationToken cancellationToken) =>
        RetryLaterAsync(job, clock.GetUtcNow(), job.Attempt, job.LastError, cancellationToken);

    /// <summary>Writes an attempt's outcome and gives up the lease in one statement; the claim counts as finished.</summary>
    private Task<bool> SettleAsync(Job job, Action<UpdateSettersBuilder<Job>> outcome, CancellationToken cancellationToken) =>
        UpdateAsync(job, set =>
        {
            outcome(set);
            set.SetProperty(j => j.UnfinishedClaims, 0)
                .SetProperty(j => j.LeaseToken, (Guid?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null);
        }, cancellationToken);

    private async Task<bool> UpdateAsync(Job job, Action<UpdateSettersBuilder<Job>> set, CancellationToken cancellationToken)
    {
        var id = job.Id;
        var token = job.LeaseToken;
        return await db.Jobs.Where(j => j.Id == id && j.LeaseToken == token).ExecuteUpdateAsync(set, cancellationToken) == 1;
    }
}
