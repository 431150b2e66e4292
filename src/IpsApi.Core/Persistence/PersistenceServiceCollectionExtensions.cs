using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
            services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString));
            services.AddDbContextPool<IpsDbContext, PostgresIpsDbContext>((sp, options) =>
                options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            var sqlite = new SqliteConnectionStringBuilder(settings.ConnectionString) { DefaultTimeout = 30 };
            EnsureDirectory(sqlite.DataSource);
            services.AddDbContextPool<IpsDbContext, SqliteIpsDbContext>(options => options.UseSqlite(sqlite.ToString()));
        }

        return services;
    }

    private static void EnsureDirectory(string dataSource)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
