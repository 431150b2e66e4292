using System.CommandLine;
using IpsApi.Core.Persistence;

namespace IpsApi.Server.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Create or upgrade the database schema (Database:Provider, ConnectionStrings:IpsApi).");
        command.SetAction((_, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var settings = services.GetRequiredService<DatabaseSettings>();
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? $"{settings.Describe()}: schema is up to date."
                : $"{settings.Describe()}: applied {string.Join(", ", applied)}.");
            return 0;
        }, cancellationToken, StoreUse.Migrate));
        return command;
    }
}
