using IpsApi.Core.Invalidation;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>The PostgreSQL store (production); migrations under <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresIpsDbContext(DbContextOptions<PostgresIpsDbContext> options) : IpsDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Keys drawn from sequences in blocks, so a request, its batches and its audit record go to
        // the server as one batch of INSERTs instead of waiting for the request's generated id.
        foreach (var sequence in new[] { "invalidation_request_ids", "notification_batch_ids", "audit_record_ids" })
        {
            modelBuilder.HasSequence<long>(sequence).IncrementsBy(100);
        }

        modelBuilder.Entity<InvalidationRequest>().Property(r => r.Id).UseHiLo("invalidation_request_ids");
        modelBuilder.Entity<NotificationBatch>().Property(b => b.Id).UseHiLo("notification_batch_ids");
        modelBuilder.Entity<AuditRecord>().Property(a => a.Id).UseHiLo("audit_record_ids");
    }
}
