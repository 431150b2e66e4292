using Microsoft.Extensions.Configuration;

namespace IpsApi.Core.Persistence;

/// <summary>
/// <c>Database:Provider</c> (<c>Sqlite</c> | <c>Postgres</c>) and <c>ConnectionStrings:IpsApi</c>,
/// read once at start; a bad value stops the process with the key named.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringName = "IpsApi";
    public const string DefaultSqliteConnectionString = "Data Source=data/ipsapi.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var providerText = configuration[ProviderKey];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
        {
            throw new ConfigurationException($"{ProviderKey} must be Sqlite or Postgres, not '{providerText}'.");
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqliteConnectionString
                : throw new ConfigurationException(
                    $"ConnectionStrings:{ConnectionStringName} (environment ConnectionStrings__{ConnectionStringName}) is required when {ProviderKey} is Postgres.");
        }

        return new DatabaseSettings(provider, connectionString);
    }

    /// <summary>Where the data lives, without credentials, for logs.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            // The full path: a relative one depends on the working directory, which differs between
            // 'dotnet run --project …' (the project's directory) and the built executable.
            var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
            return $"SQLite {(dataSource is ":memory:" || dataSource.Length == 0 ? dataSource : Path.GetFullPath(dataSource))}";
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }
}
