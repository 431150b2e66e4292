using System.CommandLine;
using IpsApi.Core;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Server.Hosting;
using IpsApi.Server.Metrics;
using Serilog;

namespace IpsApi.Server.Cli;

/// <summary><c>ipsapi worker</c>: purge workers only, no SOAP endpoint, for worker nodes sharing one PostgreSQL.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var workers = WorkersOption.Create("Purge workers in this process (default Purge:Workers, 4).");
        var command = new Command("worker", "Run purge workers only: claim batches from the shared database and purge them (no SOAP endpoint).") { workers };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(workers), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int? workers, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        if (workers is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Purge:Workers", workers.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        if (IpsApiHosting.WorkerCount(builder.Configuration) < 1)
        {
            throw new CliException("'ipsapi worker' needs at least one worker; Purge:Workers is 0");
        }

        builder.Services.AddSerilog((_, logger) => LoggingSetup.Configure(logger, builder.Configuration));
        builder.Services.AddIpsCore(builder.Configuration);
        builder.Services.AddIpsPurgeHosting(DatabaseSettings.From(builder.Configuration), acceptsRequests: false, runsWorkers: true);
        LogOptions.Register(builder.Services);
        builder.AddIpsMetricsExport();
        using var host = builder.Build();
        CliHost.CheckSettings(host.Services);
        var settings = host.Services.GetRequiredService<DatabaseSettings>();
        await CliHost.NameStoreAsync(settings);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await CliHost.EnsureSchemaAsync(scope.ServiceProvider, cancellationToken);
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IpsApi.Server").LogInformation("Store: {Store}", settings.Describe());
        }

        await host.RunAsync(cancellationToken);
        return 0;
    }
}
