using IpsApi.Core;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Support;

/// <summary>
/// An empty store of either provider, to be migrated step by step: for tests of what a migration
/// does to data stored under an older schema.
/// </summary>
public sealed class MigrationStore : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly AsyncServiceScope scope;
    private readonly DatabaseProvider provider;
    private readonly string location;

    private MigrationStore(ServiceProvider services, DatabaseProvider provider, string location)
    {
        this.services = services;
        this.provider = provider;
        this.location = location;
        scope = services.CreateAsyncScope();
    }

    public DatabaseMigrator Migrator => scope.ServiceProvider.GetRequiredService<DatabaseMigrator>();

    public IpsDbContext Db => scope.ServiceProvider.GetRequiredService<IpsDbContext>();

    /// <summary>A SQL literal for a one-host <c>publish_hosts</c> column.</summary>
    public string Hosts => provider == DatabaseProvider.Postgres ? "ARRAY['images.example.test']" : "'[\"images.example.test\"]'";

    /// <summary>A SQL literal for a list-of-strings column (<c>text[]</c> on PostgreSQL, JSON on SQLite).</summary>
    public string List(params string[] items) => provider == DatabaseProvider.Postgres
        ? $"ARRAY[{string.Join(", ", items.Select(i => $"'{i}'"))}]::text[]"
        : $"'{System.Text.Json.JsonSerializer.Serialize(items)}'";

    /// <summary>A SQL literal for a timestamp column.</summary>
    public string Now => provider == DatabaseProvider.Postgres ? "now()" : "'2026-01-01 00:00:00+00:00'";

    public static async Task<MigrationStore> CreateAsync(DatabaseProvider provider)
    {
        string location;
        Dictionary<string, string?> settings;
        if (provider == DatabaseProvider.Postgres)
        {
            location = await TestPostgres.CreateDatabaseAsync();
            settings = new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:IpsApi"] = location };
        }
        else
        {
            location = Directory.CreateTempSubdirectory("ipsapi-migration-").FullName;
            settings = new() { ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(location, "ipsapi.db")}" };
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new MigrationStore(new ServiceCollection().AddIpsCore(configuration).BuildServiceProvider(), provider, location);
    }

    /// <summary>Applies the migrations up to and including the one named <paramref name="name"/> (without its timestamp).</summary>
    public Task MigrateToAsync(string name)
    {
        var id = Db.Database.GetMigrations().Single(m => m.EndsWith("_" + name, StringComparison.Ordinal));
        return Db.GetService<IMigrator>().MigrateAsync(id);
    }

    public Task ExecuteAsync(string sql) => Db.Database.ExecuteSqlRawAsync(sql);

    public async ValueTask DisposeAsync()
    {
        await scope.DisposeAsync();
        await services.DisposeAsync();
        if (provider == DatabaseProvider.Postgres)
        {
            await TestPostgres.DropDatabaseAsync(location);
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(location, recursive: true);
        }
    }
}
