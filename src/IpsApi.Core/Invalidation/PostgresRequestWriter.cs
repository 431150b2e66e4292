using IpsApi.Core.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Writes accepted requests to PostgreSQL as one batch of prepared INSERTs: one round trip, committed as one implicit
/// transaction when the batch ends (a statement that fails rolls back the batch's others). The texts never change, so
/// Npgsql prepares each once per connection; EF Core would build one command text for the whole group, which for a
/// group of large requests runs to hundreds of kilobytes per commit.
/// <para>
/// Every column of the three tables is written, so a column added to an entity must be added here:
/// <c>PostgresRequestWriterTests</c> reads every mapped property back and fails on one left out.
/// </para>
/// </summary>
public sealed class PostgresRequestWriter(NpgsqlDataSource dataSource, PostgresIdBlocks ids) : IRequestWriter
{
    private const string InsertRequest = """
        INSERT INTO invalidation_requests (id, company_id, token, url_count, estimated_seconds, created_at, user_id, submitted_by,
            kind, scope, open_batches, email_cc_originator, email_others)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """;

    private const string InsertBatch = """
        INSERT INTO notification_batches (id, request_id, company_id, sequence, urls, targets, url_count, status, attempt,
            unfinished_claims, lease_token, lease_expires_at, next_attempt_at, completed_at, last_error, done_providers, receipts,
            follow_ups, settles_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
        """;

    private const string InsertAudit = """
        INSERT INTO audit_records (id, action, detail, request_id, company_id, url_count, handle, user_id, user_email, at,
            app_name, app_version, client_address)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """;

    public async Task WriteAsync(IReadOnlyList<AcceptedRequest> group)
    {
        // The commit is not cancelled with any one caller: it is everyone's.
        var cancellationToken = CancellationToken.None;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AssignKeysAsync(connection, group, cancellationToken);

        await using var batch = new NpgsqlBatch(connection);
        foreach (var (request, audit) in group)
        {
            batch.BatchCommands.Add(Request(request));
            foreach (var notification in request.Batches)
            {
                batch.BatchCommands.Add(Batch(notification));
            }

            batch.BatchCommands.Add(Audit(audit));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Keys for every row of the group, new ones each time (a group written again after a refusal included).</summary>
    private async Task AssignKeysAsync(NpgsqlConnection connection, IReadOnlyList<AcceptedRequest> group, CancellationToken cancellationToken)
    {
        var batches = group.Sum(a => a.Request.Batches.Count);
        var keys = await ids.TakeAsync(connection, new Dictionary<string, int>(3, StringComparer.Ordinal)
        {
            [PostgresIpsDbContext.RequestIds] = group.Count,
            [PostgresIpsDbContext.BatchIds] = batches,
            [PostgresIpsDbContext.AuditIds] = group.Count,
        }, cancellationToken);

        var requestKeys = keys[PostgresIpsDbContext.RequestIds];
        var batchKeys = keys[PostgresIpsDbContext.BatchIds];
        var auditKeys = keys[PostgresIpsDbContext.AuditIds];
        var nextBatch = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var (request, audit) = group[i];
            request.Id = requestKeys[i];
            foreach (var notification in request.Batches)
            {
                notification.Id = batchKeys[nextBatch++];
                notification.RequestId = request.Id;
            }

            audit.Id = auditKeys[i];
            audit.RequestId = audit.Request?.Id ?? audit.RequestId;
        }
    }

    private static NpgsqlBatchCommand Request(InvalidationRequest r) => new(InsertRequest)
    {
        Parameters =
        {
            Value(r.Id), Value(r.CompanyId), Value(r.Token), Value(r.UrlCount), Value(r.EstimatedSeconds), Value(r.CreatedAt),
            Nullable(r.UserId, NpgsqlDbType.Integer), Value(r.SubmittedBy), Value(r.Kind), Value(r.Scope), Value(r.OpenBatches),
            Value(r.EmailCcOriginator), Value(r.EmailOthers),
        },
    };

    private static NpgsqlBatchCommand Batch(NotificationBatch b) => new(InsertBatch)
    {
        Parameters =
        {
            Value(b.Id), Value(b.RequestId), Value(b.CompanyId), Value(b.Sequence), Value(b.Urls), Value(b.Targets), Value(b.UrlCount),
            Value(b.Status), Value(b.Attempt), Value(b.UnfinishedClaims), Nullable(b.LeaseToken, NpgsqlDbType.Uuid),
            Nullable(b.LeaseExpiresAt, NpgsqlDbType.TimestampTz), Value(b.NextAttemptAt), Nullable(b.CompletedAt, NpgsqlDbType.TimestampTz),
            Nullable(b.LastError, NpgsqlDbType.Text), Value(b.DoneProviders), Nullable(b.Receipts, NpgsqlDbType.Text), Value(b.FollowUps),
            Nullable(b.SettlesAt, NpgsqlDbType.TimestampTz),
        },
    };

    private static NpgsqlBatchCommand Audit(AuditRecord a) => new(InsertAudit)
    {
        Parameters =
        {
            Value(a.Id), Value(a.Action), Nullable(a.Detail, NpgsqlDbType.Text), Nullable(a.RequestId, NpgsqlDbType.Bigint), Value(a.CompanyId),
            Value(a.UrlCount), Nullable(a.Handle, NpgsqlDbType.Text), Nullable(a.UserId, NpgsqlDbType.Integer), Value(a.UserEmail), Value(a.At),
            Nullable(a.AppName, NpgsqlDbType.Text), Nullable(a.AppVersion, NpgsqlDbType.Text), Nullable(a.ClientAddress, NpgsqlDbType.Text),
        },
    };

    /// <summary>A value that is never null, written without boxing.</summary>
    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>A value that may be null, with its type named so that a null is typed too.</summary>
    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
