using IpsApi.Core;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Unit;

/// <summary>The embedded store keeps the durability promise: a success reply is on disk.</summary>
public sealed class SqliteStoreTests
{
    [Fact]
    public async Task EmbeddedStore_AfterMigration_UsesWalWithFullSync()
    {
        var directory = Directory.CreateTempSubdirectory("ipsapi-sqlite-").FullName;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(directory, "ipsapi.db")}",
            }).Build();
            await using var services = new ServiceCollection().AddIpsCore(configuration).BuildServiceProvider();
            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            }

            await using var fresh = services.CreateAsyncScope();
            var db = fresh.ServiceProvider.GetRequiredService<IpsDbContext>();
            await db.Database.OpenConnectionAsync();
            Assert.Equal("wal", await Pragma(db, "journal_mode"));
            Assert.Equal("2", await Pragma(db, "synchronous"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> Pragma(IpsDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
