using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>Applies and reports migrations of whichever provider is configured.</summary>
public sealed class DatabaseMigrator(IpsDbContext db, DatabaseSettings settings)
{
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken) =>
        [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];

    /// <summary>Applies every pending migration; returns their names.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the writer; synchronous=FULL keeps every commit durable.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", cancellationToken);
        }

        return pending;
    }
}
