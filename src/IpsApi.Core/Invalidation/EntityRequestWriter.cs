using IpsApi.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core.Invalidation;

/// <summary>Writes accepted requests through EF Core: one <c>SaveChanges</c>, one transaction. The embedded store's writer.</summary>
public sealed class EntityRequestWriter(IServiceScopeFactory scopes) : IRequestWriter
{
    public async Task WriteAsync(IReadOnlyList<AcceptedRequest> group)
    {
        foreach (var accepted in group)
        {
            ForgetKeys(accepted);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        // The entities are only added, so there are no changes to detect; a failed save rolls the whole
        // transaction back, so a savepoint would only cost round trips.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Database.AutoSavepointsEnabled = false;
        foreach (var (request, audit) in group)
        {
            db.InvalidationRequests.Add(request);
            db.AuditRecords.Add(audit);
        }

        // One SaveChanges is one transaction: every request of the group with its batches and audit, or none.
        // The commit is not cancelled with any one caller: it is everyone's.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Clears the keys a refused write may have set, so the entities are inserted afresh.</summary>
    private static void ForgetKeys(AcceptedRequest accepted)
    {
        var (request, audit) = accepted;
        request.Id = 0;
        foreach (var batch in request.Batches)
        {
            batch.Id = 0;
            batch.RequestId = 0;
        }

        audit.Id = 0;
        audit.RequestId = null;
    }
}
