using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IpsApi.Core.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="IpsDbContext"/> of the configured provider (pooled).</summary>
    public static IServiceCollection AddIpsPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = DatabaseSettings.From(configuration);
        services.AddSingleton(settings);
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(WithPostgresDefaults(settings.ConnectionString)));
            services.AddDbContextPool<IpsDbContext, PostgresIpsDbContext>((sp, options) =>
                options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            // Registering opens nothing: the store and its directory are created by DatabaseMigrator,
            // so a command that only reads, or whose settings are refused, leaves no trace.
            var sqlite = new SqliteConnectionStringBuilder(settings.ConnectionString) { DefaultTimeout = 30 };
            // SQLite changes a column (InvalidationLifecycle makes user ids nullable) by rebuilding its table, which
            // EF does outside the migration's transaction and warns of on every new store. The embedded store is
            // migrated at start, before anything is served, so the warnings would only alarm a first start.
            services.AddDbContextPool<IpsDbContext, SqliteIpsDbContext>(options => options
                .UseSqlite(sqlite.ToString())
                .ConfigureWarnings(warnings => warnings.Log(
                    (RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug),
                    (SqliteEventId.TableRebuildPendingWarning, LogLevel.Debug))));
        }

        return services;
    }

    /// <summary>
    /// Npgsql settings this service is built for, unless the connection string says otherwise:
    /// no <c>DISCARD ALL</c> when a connection returns to the pool (nothing here changes session
    /// state), and automatic preparation of the few statements every call runs.
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }
}
