using System.CommandLine;
using IpsApi.Core;
using IpsApi.Core.ApiKeys;
using IpsApi.Core.Faults;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

/// <summary><c>ipsapi apikey create|list|revoke</c>: a company's keys for the JSON API.</summary>
internal static class ApiKeyCommand
{
    public static Command Create()
    {
        var command = new Command("apikey", "Manage companies' API keys for the JSON API (Authorization: Bearer KEY).");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Option<string> CompanyOption(bool required) =>
        new Option<string>("--company") { Description = "The company's handle, e.g. c|1.", Required = required }
            .Checked(value => _ = value is null ? 0 : CompanyCommand.CompanyId(value));

    private static Command CreateKey()
    {
        var company = CompanyOption(required: true);
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. \"DAM webhook\" (1 to 100 characters).", Required = true };
        var command = new Command("create", "Create a key for a company; the key is printed as the last line, and only then (it is stored hashed).") { company, name };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(parse.GetValue(company), async caller =>
        {
            var created = await services.GetRequiredService<ApiKeyRegistry>().CreateAsync(caller, parse.GetValue(company), parse.GetValue(name), ct);
            Console.WriteLine($"Created API key {created.Info.Id} '{created.Info.Name}' of company {created.Info.CompanyHandle}, prefix {created.Info.Prefix}.");
            Console.WriteLine("The key, shown only now (send it as Authorization: Bearer KEY):");
            Console.WriteLine(created.Key);
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command List()
    {
        var company = CompanyOption(required: false);
        var command = new Command("list", "List keys (never the keys themselves): id, company, prefix, name, created, last used, revoked.") { company };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(parse.GetValue(company), async caller =>
        {
            var keys = await services.GetRequiredService<ApiKeyRegistry>().ListAsync(caller, parse.GetValue(company), ct);
            Console.WriteLine("ID\tCOMPANY\tPREFIX\tNAME\tCREATED\tLAST USED\tREVOKED");
            foreach (var key in keys)
            {
                Console.WriteLine($"{key.Id}\t{key.CompanyHandle}\t{key.Prefix}\t{key.Name}\t{Time(key.CreatedAt)}\t{Time(key.LastUsedAt)}\t{Time(key.RevokedAt)}");
            }

            return 0;
        }), cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Revoke()
    {
        var key = new Argument<string>("ID|PREFIX") { Description = "The key's id or prefix, as 'apikey list' shows them." };
        var command = new Command("revoke", "Revoke a key: requests with it are refused from now on, on every server.") { key };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(null, async caller =>
        {
            var (revoked, already) = await services.GetRequiredService<ApiKeyRegistry>().RevokeAsync(caller, parse.GetValue(key), ct);
            Console.WriteLine(already
                ? $"API key {revoked.Id} ({revoked.Prefix}) of company {revoked.CompanyHandle} was revoked already, at {Time(revoked.RevokedAt)}."
                : $"Revoked API key {revoked.Id} ({revoked.Prefix}) '{revoked.Name}' of company {revoked.CompanyHandle}.");
            return 0;
        }), cancellationToken));
        return command;
    }

    private static string Time(DateTimeOffset? at) => at is { } instant ? InvalidationCommand.Local(instant) : "-";

    private static async Task<int> AsOperatorAsync(string? handle, Func<Caller, Task<int>> work)
    {
        try
        {
            return await work(Caller.Operator(Environment.UserName));
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            throw new CliException($"no company {handle}: 'ipsapi company list' shows the handles");
        }
        catch (InvalidSettingException e)
        {
            throw new CliException(e.Message);
        }
    }
}
