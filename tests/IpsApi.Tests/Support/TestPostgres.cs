using Npgsql;

namespace IpsApi.Tests.Support;

/// <summary>
/// The PostgreSQL server that scripts/test.sh starts (IPSAPI_TEST_POSTGRES). Each fixture gets a
/// database of its own, so test classes run in parallel without seeing each other's rows.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "IPSAPI_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: run the tests with ./scripts/test.sh, which starts PostgreSQL and sets it.");

    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "ipsapi_t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
