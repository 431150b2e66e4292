using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>
/// The one row <c>/healthz/ready</c> writes: a store that can be reached but not written (a full disk, a
/// read-only file or database, a standby after failover) would take requests it cannot keep.
/// </summary>
public sealed class StoreProbe
{
    public const int RowId = 1;

    public int Id { get; set; }

    public DateTimeOffset ProbedAt { get; set; }

    /// <summary>Commits a write of the probe row; throws what the store answered when it cannot.</summary>
    public static async Task WriteAsync(IpsDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await db.StoreProbes.Where(p => p.Id == RowId)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.ProbedAt, now), cancellationToken);
        if (updated == 0)
        {
            // Only if someone deleted the row the migration added.
            db.StoreProbes.Add(new StoreProbe { Id = RowId, ProbedAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
