using IpsApi.Core.Invalidation;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>The PostgreSQL store (production); migrations under <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresIpsDbContext(DbContextOptions<PostgresIpsDbContext> options) : IpsDbContext(options)
{
    /// <summary>The keys one <c>nextval</c> of a key sequence reserves (the sequences' increment).</summary>
    public const int IdBlockSize = 100;

    public const string RequestIds = "invalidation_request_ids";
    public const string BatchIds = "notification_batch_ids";
    public const string AuditIds = "audit_record_ids";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Keys drawn from sequences in blocks, so a request, its batches and its audit record go to
        // the server as one batch of INSERTs instead of waiting for the request's generated id.
        foreach (var sequence in new[] { RequestIds, BatchIds, AuditIds })
        {
            modelBuilder.HasSequence<long>(sequence).IncrementsBy(IdBlockSize);
        }

        modelBuilder.Entity<InvalidationRequest>().Property(r => r.Id).UseHiLo(RequestIds);
        modelBuilder.Entity<NotificationBatch>().Property(b => b.Id).UseHiLo(BatchIds);
        modelBuilder.Entity<AuditRecord>().Property(a => a.Id).UseHiLo(AuditIds);
    }
}
