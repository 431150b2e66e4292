using System.CommandLine;
using IpsApi.Core.Persistence;
using IpsApi.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Server.Cli;

internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Where to listen (default {DefaultUrls}; several separated by ';').", DefaultValueFactory = _ => DefaultUrls };
        var command = new Command("serve", "Run the SOAP server (the default when no subcommand is given).") { urls };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(urls)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string urls, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.AddIpsApi();
        await using var app = builder.Build();
        app.UseIpsApi();

        // Bad settings stop the process here, before anything is printed or migrated.
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Core.Invalidation.InvalidationOptions>>().Value;
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Soap.SoapEndpointOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IpsApi.Server");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await CliHost.EnsureSchemaAsync(scope.ServiceProvider, cancellationToken);
            var settings = scope.ServiceProvider.GetRequiredService<DatabaseSettings>();
            logger.LogInformation("Store: {Store}", settings.Describe());
            if (!await scope.ServiceProvider.GetRequiredService<IpsDbContext>().Users.AnyAsync(cancellationToken))
            {
                PrintFirstSteps();
            }
        }

        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>On an empty store, the two commands between a newcomer and a working call.</summary>
    private static void PrintFirstSteps()
    {
        var ipsapi = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "ipsapi"
            ? Environment.ProcessPath!
            : "dotnet run --project src/IpsApi.Server --";
        Console.WriteLine($"""

            No users yet. Create a company and an admin, then call the API:
              {ipsapi} company add --name "Example" --root Example --publish-host images.example.com
              printf '%s\n' 'change-me-please' | {ipsapi} user add --email admin@example.com --role IpsAdmin --password-stdin

            """);
    }
}
