using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IpsApi.Core.Audit;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>ipsapi audit list</c>: who submitted or retried which invalidation, when, with which application and from
/// where, newest first. Audit records are kept for <c>Retention:AuditDays</c>, longer than the requests they are about.
/// </summary>
internal static class AuditCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("audit", "Read the audit records: who asked for which invalidation.");
        command.Subcommands.Add(List());
        return command;
    }

    private static Command List()
    {
        var company = new Option<string?>("--company") { Description = "Only this company's, e.g. c|1." }
            .Checked(value => _ = value is null ? 0 : CompanyCommand.CompanyId(value));
        var user = new Option<string?>("--user") { Description = "Only this user's, by address (any case); cli:ACCOUNT for the command line's." };
        var since = new Option<string?>("--since") { Description = "Only those since this date or time (local, e.g. 2026-12-01 or 2026-12-01T14:00)." }
            .Checked(value => _ = value is null ? default : InvalidationCommand.Since(value));
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{AuditFilter.MaxLimit}).", DefaultValueFactory = _ => AuditFilter.DefaultLimit }
            .Checked(value =>
            {
                if (value is < 1 or > AuditFilter.MaxLimit)
                {
                    throw new CliException($"--limit must be from 1 to {AuditFilter.MaxLimit}");
                }
            });
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "The audit records, newest first: when (local time), action, user, invalidation handle, company, URL count, application, client address.")
        {
            company, user, since, limit, json,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var filter = new AuditFilter(
                parse.GetValue(company) is { } handle ? CompanyCommand.CompanyId(handle) : null,
                parse.GetValue(user),
                parse.GetValue(since) is { } text ? InvalidationCommand.Since(text) : null,
                parse.GetValue(limit));
            var rows = await services.GetRequiredService<AuditReader>().ListAsync(filter, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, Json));
                return 0;
            }

            InvalidationCommand.Table(
                ["AT", "ACTION", "USER", "HANDLE", "COMPANY", "URLS", "APP", "CLIENT"],
                rows.Select(r => new[]
                {
                    InvalidationCommand.Local(r.At),
                    r.Action,
                    r.User,
                    r.Handle ?? "-",
                    r.Company,
                    r.UrlCount.ToString(CultureInfo.InvariantCulture),
                    r.AppName is null ? "-" : r.AppVersion is null ? r.AppName : $"{r.AppName} {r.AppVersion}",
                    r.ClientAddress ?? "-",
                }));
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }
}
