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
            // WAL (kept in the file, so every later connection uses it) lets readers run beside the
            // writer. Commits stay durable: each connection opens with SQLite's default
            // synchronous=FULL, which in WAL mode syncs the log before a commit returns.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return pending;
    }
}
