using System.CommandLine;
using IpsApi.Core.Callbacks;
using IpsApi.Core.Companies;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;

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
        return command;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "Display name, e.g. \"JJ Esquire\".", Required = true }
            .Checked(value => Text(value, "--name", 200));
        var root = new Option<string>("--root") { Description = "Root ID: the company's folder in delivery URLs (/is/image/ROOT/...).", Required = true }
            .Checked(value => RootId(value));
        var hosts = new Option<string[]>("--publish-host")
        {
            Description = "A host that serves the company's delivery URLs (repeat for several; host or host:port).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        }.Checked(values => Array.ForEach(values ?? [], value => PublishHost(value)));
        var command = new Command("add", "Add a company; prints its handle (e.g. c|1) as the last line.") { name, root, hosts };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var company = new Company
            {
                Name = Text(parse.GetValue(name), "--name", 200),
                RootId = RootId(parse.GetValue(root)),
                PublishHosts = [.. parse.GetValue(hosts)!.Select(PublishHost).Distinct()],
                CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            };
            // Roots are unique ignoring case (a unique index on lower(root_id) backs this check): URL
            // paths match roots ignoring case, so 'example' beside 'Example' would share its URLs.
            var db = services.GetRequiredService<IpsDbContext>();
            var lower = company.RootId.ToLowerInvariant();
            if (await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.RootId.ToLower() == lower, ct) is { } existing)
            {
                throw new CliException(RootTaken(company.RootId, existing));
            }

            db.Companies.Add(company);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another command added a clashing root since the check: the unique index refused this one.
                db.ChangeTracker.Clear();
                var added = await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.RootId.ToLower() == lower, ct);
                if (added is null)
                {
                    throw;
                }

                throw new CliException(RootTaken(company.RootId, added));
            }

            Console.WriteLine($"Added company '{company.Name}', root {company.RootId}, publish hosts {string.Join(", ", company.PublishHosts)}.");
            Console.WriteLine(company.Handle);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List companies: handle, root, name, publish hosts.");
        command.SetAction((_, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var companies = await services.GetRequiredService<IpsDbContext>().Companies.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);
            Console.WriteLine("HANDLE\tROOT\tNAME\tPUBLISH HOSTS");
            foreach (var company in companies)
            {
                Console.WriteLine($"{company.Handle}\t{company.RootId}\t{company.Name}\t{string.Join(",", company.PublishHosts)}");
            }

            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Show()
    {
        var handle = CompanyArgument();
        var command = new Command("show", "Show a company's settings: root, publish hosts, usage rules, query variants, purge-all targets, callback.") { handle };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var company = await FindAsync(services.GetRequiredService<IpsDbContext>(), parse.GetValue(handle), ct);
            Describe(company);
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Update()
    {
        var handle = CompanyArgument();
        var requestsPerMinute = new Option<int?>("--requests-per-minute") { Description = "Invalidation requests the company may make per minute (0: unlimited)." }
            .Checked(value => Limit(value, "--requests-per-minute"));
        var urlsPerHour = new Option<int?>("--urls-per-hour") { Description = "URLs the company may invalidate per hour (0: unlimited)." }
            .Checked(value => Limit(value, "--urls-per-hour"));
        var invalidation = new Option<string?>("--invalidation") { Description = "Switch invalidation on or off for the company." }
            .AcceptOnlyFromAmong("enabled", "disabled");
        var allVariants = new Option<string?>("--all-variants") { Description = "on: purging a URL also clears every query variant of its path (Varnish tier)." }
            .AcceptOnlyFromAmong("on", "off");
        var cpCodes = new Option<int[]>("--akamai-cpcode") { Description = "An Akamai CP code of the company's content, for purge-all (repeat for several; replaces the list; 0 alone clears it)." }
            .Checked(values => Array.ForEach(values ?? [], value => CpCode(value, alone: values!.Length == 1)));
        var fastlyService = new Option<string?>("--fastly-service") { Description = "The company's own Fastly service ID, purged whole by purge-all (\"\" clears it)." }
            .Checked(value => Token(value, "--fastly-service", 100));
        var surrogateKey = new Option<string?>("--fastly-surrogate-key") { Description = "The surrogate key tagging the company's objects on a shared Fastly service (\"\" clears it)." }
            .Checked(value => Token(value, "--fastly-surrogate-key", 200));
        var hosts = new Option<string[]>("--publish-host") { Description = "A host that serves the company's delivery URLs (repeat for several; replaces the list)." }
            .Checked(values => Array.ForEach(values ?? [], value => PublishHost(value)));
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
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<IpsDbContext>();
            var company = await FindAsync(db, parse.GetValue(handle), ct, tracked: true);
            var changed = false;
            if (parse.GetValue(requestsPerMinute) is { } perMinute)
            {
                company.RequestsPerMinute = perMinute;
                changed = true;
            }

            if (parse.GetValue(urlsPerHour) is { } perHour)
            {
                company.UrlsPerHour = perHour;
                changed = true;
            }

            if (parse.GetValue(invalidation) is { } switched)
            {
                company.InvalidationEnabled = switched == "enabled";
                changed = true;
            }

            if (parse.GetValue(allVariants) is { } variants)
            {
                company.AllVariants = variants == "on";
                changed = true;
            }

            if (parse.GetResult(cpCodes) is not null)
            {
                var codes = parse.GetValue(cpCodes) ?? [];
                company.AkamaiCpCodes = codes is [0] ? [] : [.. codes.Select(code => CpCode(code, alone: false)).Distinct()];
                changed = true;
            }

            if (parse.GetValue(fastlyService) is { } service)
            {
                company.FastlyServiceId = service.Length == 0 ? null : service;
                changed = true;
            }

            if (parse.GetValue(surrogateKey) is { } key)
            {
                company.FastlySurrogateKey = key.Length == 0 ? null : key;
                changed = true;
            }

            if (parse.GetResult(hosts) is not null)
            {
                company.PublishHosts = [.. (parse.GetValue(hosts) ?? []).Select(PublishHost).Distinct()];
                changed = true;
            }

            if (!changed)
            {
                throw new CliException("nothing to change: give at least one option");
            }

            await db.SaveChangesAsync(ct);
            Console.WriteLine($"Updated company {company.Handle}; servers apply the change within {CompanyCache.Lifetime.TotalSeconds:0} s.");
            Describe(company);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Callback()
    {
        var handle = CompanyArgument();
        var url = new Option<string?>("--url") { Description = "The http:// or https:// URL that gets a signed JSON POST when a request settles; creates a secret when the company has none." }
            .Checked(value => CallbackUrl(value));
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
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<IpsDbContext>();
            var company = await FindAsync(db, parse.GetValue(handle), ct, tracked: true);
            if (parse.GetValue(remove))
            {
                company.CallbackUrl = null;
                company.CallbackSecret = null;
                await db.SaveChangesAsync(ct);
                Console.WriteLine($"Removed the callback of company {company.Handle}.");
                return 0;
            }

            if (parse.GetValue(url) is { } newUrl)
            {
                company.CallbackUrl = CallbackUrl(newUrl);
            }
            else if (company.CallbackUrl is null)
            {
                throw new CliException($"company {company.Handle} has no callback URL: set one with --url URL");
            }

            var newSecret = parse.GetValue(rotate) || string.IsNullOrEmpty(company.CallbackSecret) ? CallbackSecrets.Generate() : null;
            company.CallbackSecret = newSecret ?? company.CallbackSecret;
            await db.SaveChangesAsync(ct);
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
        }, cancellationToken));
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
    }

    private static async Task<Company> FindAsync(IpsDbContext db, string? handle, CancellationToken cancellationToken, bool tracked = false)
    {
        var id = CompanyId(handle);
        var companies = tracked ? db.Companies : db.Companies.AsNoTracking();
        return await companies.SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new CliException($"no company {handle}: 'ipsapi company list' shows the handles");
    }

    /// <summary>The id in a company handle given on the command line; anything else is a bad argument naming it.</summary>
    internal static int CompanyId(string? value) =>
        CompanyHandle.TryParse(value, out var id) ? id : throw new CliException($"'{value}' is not a company handle such as c|1");

    private static int? Limit(int? value, string option) =>
        value is null or (>= 0 and <= 1_000_000_000) ? value : throw new CliException($"{option} must be from 0 (unlimited) to 1000000000");

    private static int CpCode(int value, bool alone) =>
        value > 0 || (value == 0 && alone) ? value : throw new CliException($"--akamai-cpcode {value} is not a CP code (a positive number; 0 alone clears the list)");

    private static string? Token(string? value, string option, int maxLength) =>
        value is null || value.Length == 0 || (value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
            ? value
            : throw new CliException($"{option} '{value}' must be up to {maxLength} ASCII letters, digits, '_', '-', '.' or ':'");

    private static string? CallbackUrl(string? value) =>
        value is null || CallbackUrlRules.Problem(value) is not { } problem ? value : throw new CliException($"--url {problem}");

    private static string RootTaken(string root, Company existing) =>
        existing.RootId == root
            ? $"a company with root '{root}' exists already ({existing.Handle})"
            : $"root '{root}' clashes with company {existing.Handle}'s root '{existing.RootId}': roots may not differ only in letter case, because URL paths match roots ignoring case";

    private static string Text(string? value, string option, int maxLength)
    {
        value = value?.Trim() ?? "";
        return value.Length is > 0 && value.Length <= maxLength ? value : throw new CliException($"{option} must be 1 to {maxLength} characters");
    }

    private static string RootId(string? value)
    {
        var root = Text(value, "--root", 100);
        return root.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && root is not ("." or "..")
            ? root
            : throw new CliException($"--root '{root}' may hold only ASCII letters, digits, '_', '-' and '.'");
    }

    private static string PublishHost(string value)
    {
        var host = value.Trim().ToLowerInvariant();
        return Uri.CheckHostName(host.Split(':')[0]) is UriHostNameType.Dns or UriHostNameType.IPv4
            && (!host.Contains(':', StringComparison.Ordinal) || (ushort.TryParse(host.Split(':')[1], out var port) && port > 0))
            ? host
            : throw new CliException($"--publish-host '{value}' is not a host name or host:port");
    }
}
