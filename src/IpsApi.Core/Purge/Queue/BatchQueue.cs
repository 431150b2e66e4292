using IpsApi.Core.Callbacks;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// The work queue over <c>notification_batches</c>. A claim takes the oldest due batch with
/// <c>FOR UPDATE SKIP LOCKED</c> (PostgreSQL; SQLite serialises writers instead) and stamps it
/// with a fresh lease token, pushing <c>next_attempt_at</c> to the lease's end so that a batch
/// whose worker died becomes due again by itself. A new batch leaves <c>Received</c> in the same
/// statement (for the first tier: <c>FlushingOrigin</c>; a company without an origin tier moves
/// on to <c>FlushingCdn</c> with the next write). Every later write is guarded by the token: a
/// worker that lost its lease cannot record a result.
/// </summary>
public sealed class BatchQueue(IpsDbContext db, DatabaseSettings settings, TimeProvider clock, IOptions<PurgeOptions> options, JobSignal jobSignal, Metrics.RequestSettleTimer settleTimer)
{
    private readonly PurgeOptions options = options.Value;

    /// <summary>Claims the oldest due batch, or returns null when none is due.</summary>
    public async Task<NotificationBatch?> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Lease;
        var token = Guid.NewGuid();
        var query = settings.Provider == DatabaseProvider.Postgres
            ? db.NotificationBatches.FromSql($"""
                UPDATE notification_batches AS b
                SET lease_token = {token}, lease_expires_at = {until}, next_attempt_at = {until},
                    unfinished_claims = b.unfinished_claims + 1,
                    status = CASE WHEN b.status = 'Received' THEN 'FlushingOrigin' ELSE b.status END
                FROM (SELECT id FROM notification_batches
                      WHERE status IN ('Received', 'FlushingOrigin', 'FlushingCdn') AND next_attempt_at <= {now}
                      ORDER BY next_attempt_at, id
                      LIMIT 1
                      FOR UPDATE SKIP LOCKED) AS due
                WHERE b.id = due.id
                RETURNING b.*
                """)
            : db.NotificationBatches.FromSql($"""
                UPDATE notification_batches
                SET lease_token = {token}, lease_expires_at = {until}, next_attempt_at = {until},
                    unfinished_claims = unfinished_claims + 1,
                    status = CASE WHEN status = 'Received' THEN 'FlushingOrigin' ELSE status END
                WHERE id = (SELECT id FROM notification_batches
                            WHERE status IN ('Received', 'FlushingOrigin', 'FlushingCdn') AND next_attempt_at <= {now}
                            ORDER BY next_attempt_at, id
                            LIMIT 1)
                RETURNING *
                """);
        var claimed = await query.AsNoTracking().ToListAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Extends the lease of a batch still being worked on; false when it was lost meanwhile.</summary>
    public Task<bool> RenewAsync(NotificationBatch batch, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + options.Lease;
        return UpdateAsync(batch, set => set
            .SetProperty(b => b.LeaseExpiresAt, until)
            .SetProperty(b => b.NextAttemptAt, until), cancellationToken);
    }

    /// <summary>The batch enters a tier: its status says so, and the providers done so far are kept. False when the lease was lost.</summary>
    public Task<bool> EnterTierAsync(NotificationBatch batch, string status, CancellationToken cancellationToken)
    {
        batch.Status = status;
        return UpdateAsync(batch, set => set
            .SetProperty(b => b.Status, status)
            .SetProperty(b => b.DoneProviders, batch.DoneProviders)
            .SetProperty(b => b.Receipts, batch.Receipts), cancellationToken);
    }

    /// <summary>
    /// Every tier purged: <c>Done</c>, with the time a CDN expects the purge to have spread by. The batch's
    /// follow-up jobs are enqueued in the same transaction (an outbox): none is lost, and none is sent for a
    /// batch whose result was discarded. They become due when the purge has taken effect.
    /// </summary>
    public Task<bool> CompleteAsync(NotificationBatch batch, DateTimeOffset? settlesAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (batch.FollowUps.Count == 0 && settings.Provider == DatabaseProvider.Postgres)
        {
            return SettleInOneStatementAsync(batch, InvalidationStatus.Done, batch.Attempt, settlesAt, null, now, cancellationToken);
        }

        return SettleBatchAsync(batch, set => set
            .SetProperty(b => b.Status, InvalidationStatus.Done)
            .SetProperty(b => b.CompletedAt, now)
            .SetProperty(b => b.SettlesAt, settlesAt)
            .SetProperty(b => b.LastError, (string?)null), batch.FollowUps, now, settlesAt, cancellationToken);
    }

    /// <summary>Gives the batch back to the queue, due at <paramref name="nextAttemptAt"/>, keeping what was already purged.</summary>
    public Task<bool> RetryLaterAsync(NotificationBatch batch, DateTimeOffset nextAttemptAt, int attempt, string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(batch, set => set
            .SetProperty(b => b.NextAttemptAt, nextAttemptAt)
            .SetProperty(b => b.Attempt, attempt)
            .SetProperty(b => b.LastError, lastError), cancellationToken);

    /// <summary>Ends the batch in <c>ERROR</c> or <c>ERROR_CDN_NODE</c> with the per-URL failures.</summary>
    public Task<bool> FailAsync(NotificationBatch batch, string status, int attempt, string lastError, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            return SettleInOneStatementAsync(batch, status, attempt, null, lastError, now, cancellationToken);
        }

        return SettleBatchAsync(batch, set => set
            .SetProperty(b => b.Status, status)
            .SetProperty(b => b.Attempt, attempt)
            .SetProperty(b => b.CompletedAt, now)
            .SetProperty(b => b.LastError, lastError), [], now, null, cancellationToken);
    }

    /// <summary>On shutdown: due again at once for any worker, nothing counted against it.</summary>
    public Task<bool> ReleaseAsync(NotificationBatch batch, CancellationToken cancellationToken) =>
        RetryLaterAsync(batch, clock.GetUtcNow(), batch.Attempt, batch.LastError, cancellationToken);

    /// <summary>
    /// The write that ends a batch (<c>Done</c>, <c>ERROR</c>, <c>ERROR_CDN_NODE</c>) on SQLite, or of a batch with follow-ups
    /// of its own (see <see cref="SettleInOneStatementAsync"/> for the usual one on PostgreSQL), in one transaction with
    /// what follows from it: the batch's own follow-ups (<paramref name="batchFollowUps"/>), and, when it was the
    /// request's last open batch, the request's. The request's <see cref="InvalidationRequest.OpenBatches"/> is
    /// decremented by an <c>UPDATE … RETURNING</c>: its row lock makes concurrent settles of one request's
    /// batches (on any number of workers) take turns, each seeing the count the one before left, so exactly
    /// one of them sees 0. A write whose lease was lost changes nothing, the count included.
    /// </summary>
    private async Task<bool> SettleBatchAsync(
        NotificationBatch batch,
        Action<UpdateSettersBuilder<NotificationBatch>> outcome,
        IReadOnlyList<string> batchFollowUps,
        DateTimeOffset now,
        DateTimeOffset? settlesAt,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await SettleAsync(batch, outcome, cancellationToken))
        {
            return false;
        }

        var jobs = batchFollowUps.Select(kind => new Job
        {
            Kind = kind,
            CompanyId = batch.CompanyId,
            RequestId = batch.RequestId,
            BatchId = batch.Id,
            CreatedAt = now,
            NextAttemptAt = settlesAt ?? now,
        }).ToList();
        var requestId = batch.RequestId;
        var open = await db.Database
            .SqlQuery<int>($"UPDATE invalidation_requests SET open_batches = open_batches - 1 WHERE id = {requestId} RETURNING open_batches AS \"Value\"")
            .ToListAsync(cancellationToken);
        if (open is [0])
        {
            jobs.AddRange(await RequestFollowUpsAsync(batch, now, settlesAt, cancellationToken));
        }

        if (jobs.Count > 0)
        {
            db.Jobs.AddRange(jobs);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            jobSignal.Pulse();
        }

        if (open is [0])
        {
            await settleTimer.RecordAsync(requestId, now);
        }

        return true;
    }

    /// <summary>
    /// <see cref="SettleBatchAsync"/> for a batch without follow-ups of its own, on PostgreSQL, as one statement
    /// (one round trip, its own transaction), as the usual batch settled before requests had follow-ups: the
    /// lease-guarded write, the decrement (whose row lock serialises concurrent settles of the request, each
    /// re-reading the count the one before committed), and the callback job when the count reaches 0 and the
    /// company has a callback URL. The job is due when the slowest CDN of the request expects its purge to
    /// have spread; this batch's estimate is a parameter, as the statement cannot read its own write. (The other
    /// batches' estimates are read in the statement's snapshot: a batch that settled in the same instant and
    /// committed after this statement began is waited for by the row lock, but its estimate is not read.)
    /// </summary>
    private async Task<bool> SettleInOneStatementAsync(
        NotificationBatch batch, string status, int attempt, DateTimeOffset? settlesAt, string? lastError, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (id, token, companyId) = (batch.Id, batch.LeaseToken, batch.CompanyId);
        var (doneProviders, receipts, due) = (batch.DoneProviders, batch.Receipts, settlesAt ?? now);
        var payload = CallbackPayload.Create(Guid.NewGuid());
        // 0: the lease was lost and nothing was written; 1: settled; 2: settled, and the callback enqueued; plus 4 when
        // this batch was the request's last open one.
        var outcome = await db.Database.SqlQuery<int>($"""
            WITH settled AS (
                UPDATE notification_batches
                SET status = {status}, attempt = {attempt}, completed_at = {now}, settles_at = {settlesAt}, last_error = {lastError},
                    unfinished_claims = 0, done_providers = {doneProviders}, receipts = {receipts},
                    lease_token = NULL, lease_expires_at = NULL
                WHERE id = {id} AND lease_token = {token}
                RETURNING request_id),
            request AS (
                UPDATE invalidation_requests AS r SET open_batches = r.open_batches - 1
                FROM settled WHERE r.id = settled.request_id
                RETURNING r.id, r.open_batches),
            callback AS (
                INSERT INTO jobs (kind, company_id, request_id, payload, status, attempt, unfinished_claims, next_attempt_at, created_at)
                SELECT {FollowUpKinds.Callback}, c.id, request.id, {payload}, {JobStatus.Pending}, 0, 0,
                       GREATEST({due}, (SELECT max(b.settles_at) FROM notification_batches AS b WHERE b.request_id = request.id)), {now}
                FROM request JOIN companies AS c ON c.id = {companyId}
                WHERE request.open_batches = 0 AND c.callback_url IS NOT NULL
                RETURNING id)
            SELECT (SELECT count(*) FROM settled)::int + (SELECT count(*) FROM callback)::int
                   + 4 * (SELECT count(*) FROM request WHERE request.open_batches = 0)::int AS "Value"
            """).ToListAsync(cancellationToken);
        if (outcome is [var callbackEnqueued] && (callbackEnqueued & 2) != 0)
        {
            jobSignal.Pulse();
        }

        if (outcome is [var requestSettled] && (requestSettled & 4) != 0)
        {
            await settleTimer.RecordAsync(batch.RequestId, now);
        }

        return outcome is [> 0];
    }

    /// <summary>
    /// What a request asks for once every batch has settled: a completion callback when its company has a
    /// callback URL (read in the settling transaction). Due when the slowest CDN expects its purge to have spread.
    /// </summary>
    private async Task<List<Job>> RequestFollowUpsAsync(NotificationBatch batch, DateTimeOffset now, DateTimeOffset? settlesAt, CancellationToken cancellationToken)
    {
        var companyId = batch.CompanyId;
        var requestId = batch.RequestId;
        var hasCallback = await db.Companies.AnyAsync(c => c.Id == companyId && c.CallbackUrl != null, cancellationToken);
        if (!hasCallback)
        {
            return [];
        }

        // Every other batch of the request committed before this write took the row lock, so this read sees them all.
        var spread = await db.NotificationBatches
            .Where(b => b.RequestId == requestId && b.SettlesAt != null)
            .Select(b => b.SettlesAt!.Value)
            .ToListAsync(cancellationToken);
        var due = spread.Append(settlesAt ?? now).Append(now).Max();
        return [new Job
        {
            Kind = FollowUpKinds.Callback,
            CompanyId = companyId,
            RequestId = requestId,
            Payload = CallbackPayload.Create(Guid.NewGuid()),
            CreatedAt = now,
            NextAttemptAt = due,
        }];
    }

    /// <summary>
    /// Writes an attempt's outcome and gives up the lease, in one statement: what the providers did
    /// is kept, and the claim counts as finished (<see cref="NotificationBatch.UnfinishedClaims"/> back to 0).
    /// </summary>
    private Task<bool> SettleAsync(NotificationBatch batch, Action<UpdateSettersBuilder<NotificationBatch>> outcome, CancellationToken cancellationToken) =>
        UpdateAsync(batch, set =>
        {
            outcome(set);
            set.SetProperty(b => b.UnfinishedClaims, 0)
                .SetProperty(b => b.DoneProviders, batch.DoneProviders)
                .SetProperty(b => b.Receipts, batch.Receipts)
                .SetProperty(b => b.LeaseToken, (Guid?)null)
                .SetProperty(b => b.LeaseExpiresAt, (DateTimeOffset?)null);
        }, cancellationToken);

    private async Task<bool> UpdateAsync(NotificationBatch batch, Action<UpdateSettersBuilder<NotificationBatch>> set, CancellationToken cancellationToken)
    {
        var id = batch.Id;
        var token = batch.LeaseToken;
        var updated = await db.NotificationBatches
            .Where(b => b.Id == id && b.LeaseToken == token)
            .ExecuteUpdateAsync(set, cancellationToken);
        return updated == 1;
    }
}
