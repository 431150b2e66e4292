using IpsApi.Core;
using IpsApi.Core.Persistence;
using Serilog;
using Serilog.Events;

namespace IpsApi.Server.Cli;

/// <summary>
/// The services of the administrative subcommands: configuration and the store, logs at Warning
/// (the command reports its own failures in one line). The embedded SQLite store is created or
/// upgraded on first use, as <c>serve</c> does; PostgreSQL must be migrated explicitly.
/// </summary>
internal static class CliHost
{
    public static async Task<int> RunAsync(
        Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken, bool ensureSchema = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Services.AddSerilog((_, logger) => Hosting.LoggingSetup.Configure(logger, builder.Configuration)
            .MinimumLevel.Warning()
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Fatal));
        builder.Services.AddIpsCore(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        if (ensureSchema)
        {
            await EnsureSchemaAsync(scope.ServiceProvider, cancellationToken);
        }

        return await command(scope.ServiceProvider, cancellationToken);
    }

    /// <summary>Migrates the embedded store; on PostgreSQL, refuses to run against an old schema.</summary>
    public static async Task EnsureSchemaAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        var migrator = services.GetRequiredService<DatabaseMigrator>();
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        else if ((await migrator.PendingAsync(cancellationToken)) is { Count: > 0 } pending)
        {
            throw new CliException($"{settings.Describe()} needs {pending.Count} migration(s) ({string.Join(", ", pending)}): run 'ipsapi migrate' first");
        }
    }
}
