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
        urls.Validators.Add(result =>
        {
            if (UrlsProblem(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError(problem);
            }
        });
        var workers = WorkersOption.Create("Purge workers in this process (default Purge:Workers, 4; the embedded store runs one).");
        var noWorkers = new Option<bool>("--no-workers") { Description = "Accept requests only; purge workers run elsewhere ('ipsapi worker')." };
        var command = new Command("serve", "Run the SOAP server and its purge workers (the default when no subcommand is given).") { urls, workers, noWorkers };
        command.Validators.Add(result =>
        {
            if (result.GetValue(noWorkers) && result.GetResult(workers) is not null)
            {
                result.AddError("--workers and --no-workers cannot be used together.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(urls)!, parse.GetValue(noWorkers) ? 0 : parse.GetValue(workers), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string urls, int? workers, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.UseUrls(urls);
        if (workers is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Purge:Workers", workers.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        builder.AddIpsApi();
        LogOptions.Register(builder.Services);
        await using var app = builder.Build();
        app.UseIpsApi();

        // Bad settings stop the process here, before anything is printed or migrated.
        CliHost.CheckSettings(app.Services);
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        await CliHost.NameStoreAsync(settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IpsApi.Server");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await CliHost.EnsureSchemaAsync(scope.ServiceProvider, cancellationToken);
            logger.LogInformation("Store: {Store}", settings.Describe());
            if (IpsApiHosting.WorkerCount(app.Configuration) == 0)
            {
                logger.LogInformation("API-only node: no purge workers here (Purge:Workers=0); run 'ipsapi worker' against the same database");
            }

            if (!await scope.ServiceProvider.GetRequiredService<IpsDbContext>().Users.AnyAsync(cancellationToken))
            {
                PrintFirstSteps(settings, urls);
            }
        }

        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>Why Kestrel would refuse the addresses at start, as one line naming the option; null when it would take them.</summary>
    private static string? UrlsProblem(string? urls)
    {
        var addresses = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
        {
            return $"--urls needs at least one address, such as {DefaultUrls}.";
        }

        foreach (var url in addresses)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                return $"--urls '{url}' is not an address such as {DefaultUrls}.";
            }

            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) && !string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                return $"--urls '{url}' must start with http:// or https://.";
            }

            if (address.PathBase.Length > 0)
            {
                return $"--urls '{url}' may not have a path; give scheme, host and port only.";
            }

            if (!address.IsUnixPipe && address.Port is < 0 or > 65535)
            {
                return $"--urls '{url}' has a port outside 0 to 65535.";
            }
        }

        return null;
    }

    /// <summary>
    /// On an empty store, the two commands between a newcomer and a working call, runnable as printed
    /// from any directory: the executable by its full path, and the store found again through the
    /// same settings (only a relative Data Source ties them to this directory, and then it is said).
    /// </summary>
    private static void PrintFirstSteps(DatabaseSettings settings, string urls)
    {
        var site = BrowserAddress(urls);
        var places = site is null ? "" : $"""

            Then sign in to the web console as that admin: {site}{IpsApi.Server.WebConsole.IpsConsole.Path}
            The JSON API and its reference: {site}{IpsApi.Server.Api.ApiDocument.ReferencePath}
            """;
        var ipsapi = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "ipsapi"
            ? ShellWord(Environment.ProcessPath!)
            : $"dotnet {ShellWord(Path.Combine(AppContext.BaseDirectory, "ipsapi.dll"))}";
        var where = settings.SqliteFileIsRelative ? $" (from {Environment.CurrentDirectory}: the store's path is relative to it)" : "";
        Console.WriteLine($"""

            No users yet. Create a company and an admin{where}, then call the API:
              {ipsapi} company add --name "Example" --root Example --publish-host images.example.com
              printf '%s\n' 'change-me-please' | {ipsapi} user add --email admin@example.com --role IpsAdmin --password-stdin
            {places}

            """);
    }

    /// <summary>Where a browser on this machine reaches the first address served (a wildcard host as 127.0.0.1); null for a Unix socket.</summary>
    private static string? BrowserAddress(string urls)
    {
        var first = BindingAddress.Parse(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);
        if (first.IsUnixPipe)
        {
            return null;
        }

        var host = first.Host is "*" or "+" or "0.0.0.0" or "[::]" or "" ? "127.0.0.1" : first.Host;
        return $"{first.Scheme.ToLowerInvariant()}://{host}:{first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>A path as one POSIX shell word: as it is when nothing in it is special to the shell, else single-quoted.</summary>
    private static string ShellWord(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '@' or ',' or '=')
            ? path
            : $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
