using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// The queue figures from <c>notification_batches</c>. The queued sum reads every waiting batch, so its cost grows with
/// the backlog (about 100 ms of the store's time at 170,000 waiting batches); <see cref="BacklogEstimator"/> reads it
/// less often the longer it takes.
/// </summary>
public sealed class StoreBacklogReader(IServiceScopeFactory scopes) : IBacklogReader
{
    public async Task<Backlog> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        var queued = await db.Database.SqlQuery<long>($"""
            SELECT COALESCE(SUM(url_count), 0) AS "Value" FROM notification_batches
            WHERE status IN ('Received', 'FlushingOrigin', 'FlushingCdn')
            """).SingleAsync(cancellationToken);
        // Only a queue needs a drain rate.
        var drained = queued == 0
            ? 0
            : await db.Database.SqlQuery<long>($"""
                SELECT COALESCE(SUM(url_count), 0) AS "Value" FROM notification_batches
                WHERE completed_at >= {since} AND status = 'Done'
                """).SingleAsync(cancellationToken);
        return new Backlog(queued, drained);
    }
}
