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
        command.Subcommands.Add(Disable(disabled: true));
        command.Subcommands.Add(Disable(disabled: false));
        command.Subcommands.Add(Update());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Option<string> Email() =>
        new Option<string>("--email") { Description = "The user's login.", Required = true }.Checked(value => UserAccounts.Email(value));

    private static Option<bool> PasswordStdin() =>
        new("--password-stdin") { Description = "Read the password from standard input (required: passwords never go on a command line)." };

    private static Command Add()
    {
        var email = Email();
        var role = RoleOption(required: true);
        var companies = CompaniesOption();
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
        var command = new Command("list", "List users: email, role, companies (an IpsAdmin's are all), disabled or not.");
        command.SetAction((_, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var users = await services.GetRequiredService<UserAccounts>().ListAsync(Operator, ct);
            Console.WriteLine("EMAIL\tROLE\tCOMPANIES\tDISABLED");
            foreach (var user in users)
            {
                Console.WriteLine($"{user.Email}\t{user.Role}\t{Companies(user)}\t{(user.DisabledAt is null ? "no" : "yes")}");
            }

            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Disable(bool disabled)
    {
        var email = Email();
        var command = new Command(disabled ? "disable" : "enable", disabled
            ? "Disable a user: every login (SOAP, JSON API, console) is refused as a wrong password is, until 'user enable'."
            : "Enable a disabled user again; the password is unchanged.")
        {
            email,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var user = await services.GetRequiredService<UserAccounts>().SetDisabledAsync(Operator, parse.GetValue(email), disabled, ct);
            Console.WriteLine(disabled ? $"Disabled {user.Email}: its logins are refused." : $"Enabled {user.Email}.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Update()
    {
        var email = Email();
        var role = RoleOption(required: false);
        var companies = CompaniesOption(allowEmpty: true);
        var command = new Command("update", "Change a user's role or companies (--company replaces the list; give it once with \"\" for none); options not given stay as they are.")
        {
            email, role, companies,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(role) is null && result.GetResult(companies) is null)
            {
                result.AddError("nothing to change: give --role or --company");
            }
        });
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var handles = parse.GetResult(companies) is null ? null : (parse.GetValue(companies) ?? []).Where(h => h.Length > 0).ToArray();
            var user = await services.GetRequiredService<UserAccounts>().UpdateAsync(
                Operator, parse.GetValue(email), parse.GetResult(role) is null ? null : (Role?)parse.GetValue(role), handles, ct);
            if (UserAccounts.Caveat(user.Role, user.Companies.Count) is { } caveat)
            {
                Console.Error.WriteLine($"warning: {caveat}");
            }

            Console.WriteLine($"Updated {user.Email}: {user.Role} in {Companies(user)}.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Remove()
    {
        var email = Email();
        var yes = new Option<bool>("--yes") { Description = "Remove for real; without it nothing is removed." };
        var command = new Command("remove", "Remove a user and its company memberships; one who submitted invalidations is kept (disable it instead).") { email, yes };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var address = UserAccounts.Email(parse.GetValue(email));
            if (!parse.GetValue(yes))
            {
                throw new CliException($"would remove user {address} and its company memberships: run again with --yes");
            }

            var user = await services.GetRequiredService<UserAccounts>().RemoveAsync(Operator, address, ct);
            Console.WriteLine($"Removed user {user.Email}.");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The user's companies by handle, in id order; an IpsAdmin's are all (its memberships, if any, in brackets).</summary>
    private static string Companies(User user)
    {
        var handles = string.Join(",", user.Companies.OrderBy(c => c.Id).Select(c => c.Handle));
        return user.Role == Role.IpsAdmin ? "all" + (handles.Length > 0 ? $" ({handles})" : "")
            : handles.Length == 0 ? "-"
            : handles;
    }

    private static Option<Role> RoleOption(bool required) => new("--role")
    {
        Description = "IpsAdmin (every company) or IpsCompanyAdmin (its --company list); other IPS roles may not call the API.",
        Required = required,
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

    /// <param name="allowEmpty">Whether <c>--company ""</c> may stand for no company (update), or is a bad handle (add).</param>
    private static Option<string[]> CompaniesOption(bool allowEmpty = false) =>
        new Option<string[]>("--company") { Description = "Handle of a company the user belongs to (repeatable), e.g. c|1." }
            .Checked(handles =>
            {
                foreach (var handle in handles ?? [])
                {
                    if (!(allowEmpty && handle.Length == 0) && !CompanyHandle.TryParse(handle, out _))
                    {
                        throw new CliException($"--company '{handle}' is not a company handle such as c|1");
                    }
                }
            });

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
