namespace IpsApi.Tests.Support;

/// <summary>
/// A store of a test's own: a new PostgreSQL database on the test cluster, or an embedded SQLite file in a new
/// temporary folder; <see cref="DeleteAsync"/> drops the database or deletes the folder (after SQLite lets go of it).
/// </summary>
public sealed record ThrowawayStore(string ConnectionString, Func<Task> DeleteAsync)
{
    public static async Task<ThrowawayStore> CreateAsync(bool postgres, string name)
    {
        if (postgres)
        {
            var connectionString = await TestPostgres.CreateDatabaseAsync();
            return new ThrowawayStore(connectionString, () => TestPostgres.DropDatabaseAsync(connectionString));
        }

        var directory = Directory.CreateTempSubdirectory($"ipsapi-{name}-").FullName;
        return new ThrowawayStore($"Data Source={Path.Combine(directory, "ipsapi.db")}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        });
    }
}
