using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>Applies and reports migrations of whichever provider is configured.</summary>
public sealed class DatabaseMigrator(IpsDbContext db, DatabaseSettings settings)
{
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken) =>
        [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];

    /// <summary>Applies every pending migration; returns their names.</summary>
    /// <exception cref="MigrationRefusedException">The store holds data a pending migration cannot take; nothing was applied.</exception>
    /// <exception cref="ConfigurationException">The SQLite store's directory cannot be created.</exception>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        CreateSqliteDirectory();
        var pending = await PendingAsync(cancellationToken);
        if (pending.Any(m => m.EndsWith("_CompanyRootsUniqueIgnoringCase", StringComparison.Ordinal))
            && (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any())
        {
            await RefuseRootsDifferingInCaseAsync(cancellationToken);
        }

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

    /// <summary>SQLite creates a missing store file when it opens it, but not the directory it goes in.</summary>
    private void CreateSqliteDirectory()
    {
        if (Path.GetDirectoryName(settings.SqliteFile) is not { Length: > 0 } directory)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(
                $"cannot create {directory} for the SQLite store ({e.Message.TrimEnd('.')}). "
                + $"Set ConnectionStrings:{DatabaseSettings.ConnectionStringName} (environment ConnectionStrings__{DatabaseSettings.ConnectionStringName}) to a store this user may write.");
        }
    }

    /// <summary>
    /// Roots that differ only in letter case (<c>Example</c>, <c>example</c>) would let one company's
    /// admin purge the other's URLs, since URL paths are matched ignoring case. The unique index
    /// that forbids them cannot be built while such a pair exists: say which, before touching anything.
    /// </summary>
    private async Task RefuseRootsDifferingInCaseAsync(CancellationToken cancellationToken)
    {
        var companies = await db.Companies.AsNoTracking().Select(c => new { c.Id, c.RootId }).ToListAsync(cancellationToken);
        var clashes = companies
            .GroupBy(c => c.RootId.ToLowerInvariant())
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" and ", g.OrderBy(c => c.Id).Select(c => $"'{c.RootId}' ({Companies.CompanyHandle.Format(c.Id)})")))
            .ToList();
        if (clashes.Count > 0)
        {
            throw new MigrationRefusedException(
                $"cannot migrate: company roots {string.Join("; ", clashes)} differ only in letter case, so a URL could belong to both companies. "
                + "Change one root in each pair (companies.root_id), then run the migration again.");
        }
    }
}
