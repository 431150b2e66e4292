using System.CommandLine;
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
