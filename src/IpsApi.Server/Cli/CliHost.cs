using IpsApi.Core;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace IpsApi.Server.Cli;

/// <summary>
/// The services of the administrative subcommands: configuration and the store, logs at Warning
/// (the command reports its own failures in one line). Settings are checked first, as
/// <c>serve</c> and <c>worker</c> do; then the store is named on standard error. The embedded SQLite
/// store is created or upgraded on first use by the commands that write, as <c>serve</c> does;
/// PostgreSQL must be migrated explicitly.
/// </summary>
internal static class CliHost
{
    public static async Task<int> RunAsync(
        Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken, StoreUse use = StoreUse.Write)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Services.AddSerilog((_, logger) => Hosting.LoggingSetup.Configure(logger, builder.Configuration)
            .MinimumLevel.Warning()
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Fatal));
        builder.Services.AddIpsCore(builder.Configuration);
        Hosting.LogOptions.Register(builder.Services);
        using var host = builder.Build();
        CheckSettings(host.Services);
        var settings = host.Services.GetRequiredService<DatabaseSettings>();
        await NameStoreAsync(settings);
        if (use == StoreUse.Read && settings.SqliteFile is { } file && !File.Exists(file))
        {
            throw new CliException($"no store at {file}: 'ipsapi serve' or 'ipsapi migrate' creates it; to use another, set ConnectionStrings:{DatabaseSettings.ConnectionStringName}");
        }

        await using var scope = host.Services.CreateAsyncScope();
        if (use != StoreUse.Migrate)
        {
            await EnsureSchemaAsync(scope.ServiceProvider, cancellationToken);
        }

        return await command(scope.ServiceProvider, cancellationToken);
    }

    /// <summary>
    /// Every setting, before anything is printed, migrated or served: each section registered with
    /// <c>ValidateOnStart</c> is bound and validated (a bad one throws naming its key), then the purge
    /// routing (an unknown provider, a tier naming an unconfigured one) is built.
    /// </summary>
    public static void CheckSettings(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        _ = services.GetRequiredService<PurgeRouting>();
    }

    /// <summary>
    /// The store a command uses, as the first line on standard error (standard output stays the
    /// command's own): with several stores about, which one a command used is not a guess.
    /// </summary>
    public static Task NameStoreAsync(DatabaseSettings settings) => Console.Error.WriteLineAsync($"ipsapi: store {settings.Describe()}");

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
