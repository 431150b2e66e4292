using System.CommandLine;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

internal static class CompanyCommand
{
    public static Command Create()
    {
        var command = new Command("company", "Manage companies.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(Callback());
        command.Subcommands.Add(WebhookSecret());
        command.Subcommands.Add(Rename());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "Display name, e.g. \"JJ Esquire\".", Required = true }
            .Checked(value => CompanyRules.Name(value));
        var root = new Option<string>("--root") { Description = "Root ID: the company's folder in delivery URLs (/is/image/ROOT/...).", Required = true }
            .Checked(value => CompanyRules.Root(value));
        var hosts = new Option<string[]>("--publish-host")
        {
            Description = "A host that serves the company's delivery URLs (repeat for several; host or host:port).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        }.Checked(values => Array.ForEach(values ?? [], value => CompanyRules.PublishHost(value)));
        var command = new Command("add", "Add a company; prints its handle (e.g. c|1) as the last line.") { name, root, hosts };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, null, async (settings, caller) =>
        {
            var company = await settings.AddAsync(caller, parse.GetValue(name), parse.GetValue(root), parse.GetValue(hosts) ?? [], ct);
            Console.WriteLine($"Added company '{company.Name}', root {company.RootId}, publish hosts {string.Join(", ", company.PublishHosts)}.");
            Console.WriteLine(company.Handle);
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list",
            "List companies: handle, root, name, publish hosts, requests per minute and URLs per hour (0: unlimited), invalidation switch, all query variants, callback set.");
        command.SetAction((_, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, null, async (settings, caller) =>
        {
            var companies = await settings.ListAsync(caller, ct);
            Console.WriteLine("HANDLE\tROOT\tNAME\tPUBLISH HOSTS\tREQUESTS/MIN\tURLS/HOUR\tINVALIDATION\tALL VARIANTS\tCALLBACK");
            foreach (var company in companies)
            {
                // The callback's URL and secret stay out of the list: 'company show' names the URL, nothing prints the secret again.
                Console.WriteLine(string.Join('\t',
                    company.Handle,
                    company.RootId,
                    company.Name,
                    string.Join(",", company.PublishHosts),
                    company.RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    company.UrlsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    company.InvalidationEnabled ? "enabled" : "disabled",
                    company.AllVariants ? "on" : "off",
                    company.CallbackUrl is null ? "no" : "yes"));
            }

            return 0;
        }), cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Show()
    {
        var handle = CompanyArgument();
        var command = new Command("show", "Show a company's settings: root, publish hosts, usage rules, query variants, purge-all targets, callback.") { handle };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            Describe(await settings.GetAsync(caller, parse.GetValue(handle), ct));
            return 0;
        }), cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Update()
    {
        var handle = CompanyArgument();
        var requestsPerMinute = new Option<int?>("--requests-per-minute") { Description = "Invalidation requests the company may make per minute (0: unlimited)." }
            .Checked(value => Limit(value, "requests-per-minute"));
        var urlsPerHour = new Option<int?>("--urls-per-hour") { Description = "URLs the company may invalidate per hour (0: unlimited)." }
            .Checked(value => Limit(value, "urls-per-hour"));
        var invalidation = new Option<string?>("--invalidation") { Description = "Switch invalidation on or off for the company." }
            .AcceptOnlyFromAmong("enabled", "disabled");
        var allVariants = new Option<string?>("--all-variants") { Description = "on: purging a URL also clears every query variant of its path (Varnish tier)." }
            .AcceptOnlyFromAmong("on", "off");
        var cpCodes = new Option<int[]>("--akamai-cpcode") { Description = "An Akamai CP code of the company's content, for purge-all (repeat for several; replaces the list; 0 alone clears it)." }
            .Checked(values => Array.ForEach(values ?? [], value => CompanyRules.CpCode(value, alone: values!.Length == 1)));
        var fastlyService = new Option<string?>("--fastly-service") { Description = "The company's own Fastly service ID, purged whole by purge-all (\"\" clears it)." }
            .Checked(value => Token(value, "fastly-service", CompanyRules.MaxFastlyServiceLength));
        var surrogateKey = new Option<string?>("--fastly-surrogate-key") { Description = "The surrogate key tagging the company's objects on a shared Fastly service (\"\" clears it)." }
            .Checked(value => Token(value, "fastly-surrogate-key", CompanyRules.MaxSurrogateKeyLength));
        var hosts = new Option<string[]>("--publish-host") { Description = "A host that serves the company's delivery URLs (repeat for several; replaces the list)." }
            .Checked(values => Array.ForEach(values ?? [], value => CompanyRules.PublishHost(value)));
        var command = new Command("update", "Change a company's usage rules, query-variant purging, purge-all targets or publish hosts; options not given stay as they are.")
        {
            handle, requestsPerMinute, urlsPerHour, invalidation, allVariants, cpCodes, fastlyService, surrogateKey, hosts,
        };
        command.Validators.Add(result =>
        {
            if (!result.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(option => !option.Implicit))
            {
                result.AddError("nothing to change: give at least one option");
            }
        });
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            var change = new CompanyChange
            {
                RequestsPerMinute = parse.GetValue(requestsPerMinute),
                UrlsPerHour = parse.GetValue(urlsPerHour),
                InvalidationEnabled = parse.GetValue(invalidation) is { } switched ? switched == "enabled" : null,
                AllVariants = parse.GetValue(allVariants) is { } variants ? variants == "on" : null,
                AkamaiCpCodes = parse.GetResult(cpCodes) is null ? null : parse.GetValue(cpCodes) ?? [],
                FastlyServiceId = parse.GetValue(fastlyService),
                FastlySurrogateKey = parse.GetValue(surrogateKey),
                PublishHosts = parse.GetResult(hosts) is null ? null : parse.GetValue(hosts) ?? [],
            };
            if (change.IsEmpty)
            {
                throw new CliException("nothing to change: give at least one option");
            }

            var company = await settings.UpdateAsync(caller, parse.GetValue(handle), change, ct);
            Console.WriteLine($"Updated company {company.Handle}; servers apply the change within {CompanyCache.Lifetime.TotalSeconds:0} s.");
            Describe(company);
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command Callback()
    {
        var handle = CompanyArgument();
        var url = new Option<string?>("--url") { Description = "The http:// or https:// URL that gets a signed JSON POST when a request settles; creates a secret when the company has none." }
            .Checked(value => _ = value is null ? null : CompanyRules.CallbackUrl(value));
        var rotate = new Option<bool>("--rotate") { Description = "Make a new signing secret and print it (the old one stops working at once)." };
        var remove = new Option<bool>("--remove") { Description = "Stop callbacks: clear the URL and the secret." };
        var command = new Command("callback", "Set, re-key or remove a company's completion callback; a new signing secret is printed as the last line, and only then.")
        {
            handle, url, rotate, remove,
        };
        command.Validators.Add(result =>
        {
            var given = new[] { url, (Option)rotate, remove }.Where(option => result.GetResult(option) is { Implicit: false }).ToList();
            if (given.Count == 0)
            {
                result.AddError("nothing to do: give --url URL, --rotate or --remove");
            }
            else if (given.Contains(remove) && given.Count > 1)
            {
                result.AddError("--remove goes alone");
            }
        });
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            if (parse.GetValue(remove))
            {
                var removed = await settings.RemoveCallbackAsync(caller, parse.GetValue(handle), ct);
                Console.WriteLine($"Removed the callback of company {removed.Handle}.");
                return 0;
            }

            var (company, newSecret) = await settings.SetCallbackAsync(caller, parse.GetValue(handle), parse.GetValue(url), parse.GetValue(rotate), ct);
            Console.WriteLine($"Callback of company {company.Handle}: {company.CallbackUrl}");
            if (newSecret is null)
            {
                Console.WriteLine("The signing secret is unchanged.");
            }
            else
            {
                // The secret is printed here alone, as the last line, and stored only in the store.
                Console.WriteLine("New signing secret, shown only now (keep it with the receiver):");
                Console.WriteLine(newSecret);
            }

            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command WebhookSecret()
    {
        var handle = CompanyArgument();
        var rotate = new Option<bool>("--rotate") { Description = "Make a new secret (the old one stops working at once)." };
        var command = new Command("webhook-secret",
            "Print the secret that signs the company's asset-version webhook deliveries (X-IpsApi-Signature: sha256=<hex HMAC-SHA256 of the body>), "
            + "making one when the company has none. The secret is alone on standard output: secret=$(ipsapi company webhook-secret 'c|1').")
        {
            handle, rotate,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            var (company, secret, isNew) = await settings.WebhookSecretAsync(caller, parse.GetValue(handle), parse.GetValue(rotate), ct);
            await Console.Error.WriteLineAsync(isNew
                ? $"New webhook secret of company {company.Handle} (sign POST /hooks/asset-version bodies with it):"
                : $"Webhook secret of company {company.Handle} (unchanged; --rotate makes a new one):");
            Console.WriteLine(secret);
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command Rename()
    {
        var handle = CompanyArgument();
        var to = new Option<string>("--to") { Description = "The new display name. The handle and the root stay, so delivery URLs, users and API keys are unchanged.", Required = true }
            .Checked(value => CompanyRules.Name(value));
        var command = new Command("rename", "Give a company a new display name (its handle c|N and its root never change).") { handle, to };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            var company = await settings.RenameAsync(caller, parse.GetValue(handle), parse.GetValue(to), ct);
            Console.WriteLine($"Renamed company {company.Handle} to '{company.Name}'; its root {company.RootId} and URLs are unchanged.");
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Command Remove()
    {
        var handle = CompanyArgument();
        var yes = new Option<bool>("--yes") { Description = "Remove for real; without it, only say what would be removed." };
        var command = new Command("remove",
            "Remove a company with its invalidation history, API keys and memberships (users stay); refused while it has work in flight.")
        {
            handle, yes,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync((services, ct) => AsOperatorAsync(services, parse.GetValue(handle), async (settings, caller) =>
        {
            if (!parse.GetValue(yes))
            {
                var footprint = await settings.FootprintAsync(caller, parse.GetValue(handle), ct);
                throw new CliException($"would remove {footprint.Describe()}: run again with --yes");
            }

            var removed = await settings.RemoveAsync(caller, parse.GetValue(handle), ct);
            Console.WriteLine($"Removed {removed.Describe()}.");
            return 0;
        }), cancellationToken));
        return command;
    }

    private static Argument<string> CompanyArgument() =>
        new Argument<string>("HANDLE") { Description = "The company's handle, e.g. c|1." }.Checked(value => _ = CompanyId(value));

    private static void Describe(Company company)
    {
        static string Limit(int value, string unit) => value == 0 ? "unlimited" : $"{value} {unit}";
        Console.WriteLine($"handle:               {company.Handle}");
        Console.WriteLine($"name:                 {company.Name}");
        Console.WriteLine($"root:                 {company.RootId}");
        Console.WriteLine($"publish hosts:        {string.Join(", ", company.PublishHosts)}");
        Console.WriteLine($"invalidation:         {(company.InvalidationEnabled ? "enabled" : "disabled")}");
        Console.WriteLine($"requests per minute:  {Limit(company.RequestsPerMinute, "per minute")}");
        Console.WriteLine($"URLs per hour:        {Limit(company.UrlsPerHour, "per hour")}");
        Console.WriteLine($"all query variants:   {(company.AllVariants ? "on" : "off")}");
        Console.WriteLine($"Akamai CP codes:      {(company.AkamaiCpCodes.Count == 0 ? "none" : string.Join(", ", company.AkamaiCpCodes))}");
        Console.WriteLine($"Fastly service:       {company.FastlyServiceId ?? "none"}");
        Console.WriteLine($"Fastly surrogate key: {company.FastlySurrogateKey ?? "none"}");
        Console.WriteLine($"callback:             {company.CallbackUrl ?? "none"}");
        Console.WriteLine($"CDN template:         {(company.InvalidationTemplate is { } template ? $"{Core.Templates.InvalidationTemplate.Parse(template).Count} line(s)" : "none")}");
        Console.WriteLine($"webhook secret:       {(string.IsNullOrEmpty(company.WebhookSecret) ? "none" : "set")}");
    }

    /// <summary>
    /// Runs <paramref name="work"/> as the operator at this command line (an IpsAdmin); a company the store does not
    /// have is named as such.
    /// </summary>
    private static async Task<int> AsOperatorAsync(IServiceProvider services, string? handle, Func<CompanySettings, Caller, Task<int>> work)
    {
        try
        {
            return await work(services.GetRequiredService<CompanySettings>(), Caller.Operator(Environment.UserName));
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            throw new CliException($"no company {handle}: 'ipsapi company list' shows the handles");
        }
        catch (CompanySettingsException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The id in a company handle given on the command line; anything else is a bad argument naming it.</summary>
    internal static int CompanyId(string? value) =>
        CompanyHandle.TryParse(value, out var id) ? id : throw new CliException($"'{value}' is not a company handle such as c|1");

    private static int? Limit(int? value, string setting) => value is null ? null : CompanyRules.Limit(value.Value, setting);

    private static string? Token(string? value, string setting, int maxLength) => value is null ? null : CompanyRules.Token(value, setting, maxLength);
}
