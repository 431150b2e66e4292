using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace IpsApi.Core.Persistence;

/// <summary>
/// <c>Database:Provider</c> (<c>Sqlite</c> | <c>Postgres</c>) and <c>ConnectionStrings:IpsApi</c>,
/// read once at start; a bad value stops the process with the key named. Without a connection
/// string, SQLite is the embedded store at <see cref="EmbeddedStoreLocation.DefaultPath"/>.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringName = "IpsApi";

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
                ? new SqliteConnectionStringBuilder { DataSource = EmbeddedStoreLocation.DefaultPath() }.ToString()
                : throw new ConfigurationException(
                    $"ConnectionStrings:{ConnectionStringName} (environment ConnectionStrings__{ConnectionStringName}) is required when {ProviderKey} is Postgres.");
        }

        return new DatabaseSettings(provider, connectionString);
    }

    /// <summary>
    /// The SQLite store's file as a full path (a relative Data Source is taken from the working
    /// directory, as the user wrote it); null on PostgreSQL and for an in-memory or temporary SQLite database.
    /// </summary>
    public string? SqliteFile
    {
        get
        {
            if (Provider != DatabaseProvider.Sqlite)
            {
                return null;
            }

            var builder = new SqliteConnectionStringBuilder(ConnectionString);
            return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" ? null : Path.GetFullPath(builder.DataSource);
        }
    }

    /// <summary>Whether the SQLite file was given relative to the working directory, so commands must run where it is.</summary>
    public bool SqliteFileIsRelative => SqliteFile is not null && !Path.IsPathFullyQualified(new SqliteConnectionStringBuilder(ConnectionString).DataSource);

    /// <summary>Where the data lives, without credentials, for logs and the line each command starts with.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return $"SQLite {SqliteFile ?? new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }
}
