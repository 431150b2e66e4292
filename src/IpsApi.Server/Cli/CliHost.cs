using IpsApi.Core;
using Serilog;

namespace IpsApi.Server.Cli;

/// <summary>The services of the administrative subcommands: configuration and the store, logs at Warning.</summary>
internal static class CliHost
{
    public static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Services.AddSerilog((_, logger) => Hosting.LoggingSetup.Configure(logger, builder.Configuration)
            .MinimumLevel.Warning());
        builder.Services.AddIpsCore(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        return await command(scope.ServiceProvider, cancellationToken);
    }
}
