using System.CommandLine;
using IpsApi.Core.Companies;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

internal static class UserCommand
{
    public static Command Create()
    {
        var command = new Command("user", "Manage users.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Passwd());
        return command;
    }

    private static Option<string> Email() =>
        new Option<string>("--email") { Description = "The user's login.", Required = true }.Checked(value => UserAccounts.Email(value));

    private static Option<bool> PasswordStdin() =>
        new("--password-stdin") { Description = "Read the password from standard input (required: passwords never go on a command line)." };

    private static Command Add()
    {
        var email = Email();
        var role = new Option<Role>("--role")
        {
            Description = "IpsAdmin (every company) or IpsCompanyAdmin (its --company list); other IPS roles may not call the API.",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Enum.TryParse<Role>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !text.Any(char.IsDigit))
                {
                    return parsed;
                }

                result.AddError($"--role '{text}' is not an IPS role; use one of {string.Join(", ", Enum.GetNames<Role>())}");
                return default;
            },
        };
        var companies = new Option<string[]>("--company") { Description = "Handle of a company the user belongs to (repeatable), e.g. c|1." }
            .Checked(handles =>
            {
                foreach (var handle in handles ?? [])
                {
                    if (!CompanyHandle.TryParse(handle, out _))
                    {
                        throw new CliException($"--company '{handle}' is not a company handle such as c|1");
                    }
                }
            });
        var stdin = PasswordStdin();
        var command = new Command("add", "Add a user.") { email, role, companies, stdin };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var password = ReadPassword(parse.GetValue(stdin));
            var handles = parse.GetValue(companies) ?? [];
            if (UserAccounts.Caveat(parse.GetValue(role), handles.Length) is { } caveat)
            {
                Console.Error.WriteLine($"warning: {caveat}");
            }

            var user = await services.GetRequiredService<UserAccounts>().AddAsync(
                Operator, parse.GetValue(email), password, parse.GetValue(role), handles, ct);
            Console.WriteLine($"Added {user.Role} {user.Email}" + (user.Companies.Count > 0 ? $" in {string.Join(", ", user.Companies.Select(c => c.Handle))}." : "."));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List users: email, role, companies.");
        command.SetAction((_, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var users = await services.GetRequiredService<UserAccounts>().ListAsync(Operator, ct);
            Console.WriteLine("EMAIL\tROLE\tCOMPANIES");
            foreach (var user in users)
            {
                Console.WriteLine($"{user.Email}\t{user.Role}\t{string.Join(",", user.Companies.Select(c => c.Handle))}");
            }

            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Passwd()
    {
        var email = Email();
        var stdin = PasswordStdin();
        var command = new Command("passwd", "Set a user's password.") { email, stdin };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var password = ReadPassword(parse.GetValue(stdin));
            var user = await services.GetRequiredService<UserAccounts>().SetPasswordAsync(Operator, parse.GetValue(email), password, ct);
            Console.WriteLine($"Password of {user.Email} changed.");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The operator at this command line: an IpsAdmin.</summary>
    private static Caller Operator => Caller.Operator(Environment.UserName);

    /// <summary>The first line of standard input; never from the command line, where other users and shell history would see it.</summary>
    private static string ReadPassword(bool fromStdin)
    {
        if (!fromStdin)
        {
            throw new CliException("--password-stdin is required: pipe the password in, e.g. printf '%s\\n' \"$PASSWORD\" | ipsapi user add ...");
        }

        var password = Console.In.ReadLine() ?? "";
        return password.Length >= UserAccounts.MinPasswordLength
            ? password
            : throw new CliException($"the password read from standard input must be at least {UserAccounts.MinPasswordLength} characters");
    }
}
