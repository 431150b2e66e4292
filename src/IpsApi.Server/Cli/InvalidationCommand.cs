using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>ipsapi invalidation add|purge-all|list|show</c>: the invalidation log at the server's command line. <c>add</c>
/// follows the rules of the SOAP call (all or nothing, the company's root, at most 1000 URLs); <c>purge-all</c>
/// purges a company's whole cache; the purge is done by the workers of a running <c>serve</c> or <c>worker</c>
/// on the same store.
/// </summary>
internal static class InvalidationCommand
{
    /// <summary>A URL file is read whole; 1000 URLs of 2048 characters fit well within this.</summary>
    private const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var command = new Command("invalidation", "Submit invalidations and read the invalidation log.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(PurgeAll());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Retry());
        return command;
    }

    private static Command Add()
    {
        var company = new Option<string>("--company") { Description = "The company's handle, e.g. c|1.", Required = true }
            .Checked(value => _ = CompanyCommand.CompanyId(value));
        var urls = new Option<string[]>("--url") { Description = "A URL to invalidate (repeat for several)." };
        var file = new Option<string?>("--file") { Description = "A file of URLs, one a line (blank lines and lines starting with # are skipped); - reads standard input." };
        var assets = new Option<string[]>("--asset")
        {
            Description = "An asset ID (repeat for several): adds every URL of the company's CDN invalidation template for it ('ipsapi template show').",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the URLs and print every one that would be submitted (template URLs included), one a line; store nothing." };
        var wait = new Option<bool>("--wait") { Description = "After submitting, show progress until a final status; exit 0 only for Done." };
        var command = new Command("add", "Invalidate URLs of a company, as cdnCacheInvalidation does (the URLs given, then the template's for each --asset, each once); prints the invalidation handle as the first line.")
        {
            company, urls, file, assets, dryRun, wait,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(urls) is null && result.GetResult(file) is null && result.GetResult(assets) is null)
            {
                result.AddError("give the URLs with --url or --file, or assets with --asset");
            }

            if (result.GetValue(dryRun) && result.GetValue(wait))
            {
                result.AddError("--dry-run and --wait cannot be used together");
            }
        });
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var listed = new List<string?>(parse.GetValue(urls) ?? []);
            if (parse.GetValue(file) is { } path)
            {
                listed.AddRange(await ReadUrlsAsync(path, ct));
            }

            var invalidation = new Core.Invalidation.InvalidationCommand(parse.GetValue(company), listed, AssetIds: parse.GetValue(assets));
            return await AsOperatorAsync(services, async (service, caller) =>
            {
                if (parse.GetValue(dryRun))
                {
                    var checkedUrls = await service.DryRunAsync(caller, invalidation, ct);
                    checkedUrls.ToList().ForEach(Console.WriteLine);
                    await Console.Error.WriteLineAsync($"dry run: {checkedUrls.Count} URL(s) would be submitted; nothing was stored");
                    return 0;
                }

                var accepted = await service.AcceptAsync(caller, invalidation, ct);
                Console.WriteLine(accepted.InvalidationHandle);
                return parse.GetValue(wait) ? await InvalidationProgressDisplay.WaitAsync(service, caller, accepted, ct) : 0;
            });
        }, cancellationToken));
        return command;
    }

    private static Command PurgeAll()
    {
        var company = new Option<string>("--company") { Description = "The company's handle, e.g. c|1.", Required = true }
            .Checked(value => _ = CompanyCommand.CompanyId(value));
        var yes = new Option<bool>("--yes") { Description = "Confirm: every cached object of the company is dropped, and the image servers render each again on its next request." };
        var wait = new Option<bool>("--wait") { Description = "After submitting, show progress until a final status; exit 0 only for Done." };
        var command = new Command("purge-all", "Purge a company's whole cache on every tier of its route (scope all); prints the invalidation handle as the first line.")
        {
            company, yes, wait,
        };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(yes))
            {
                result.AddError($"purge-all would drop every cached object of company {result.GetValue(company)} on every tier (origin and CDN); add --yes to do it");
            }
        });
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            return await AsOperatorAsync(services, async (service, caller) =>
            {
                var accepted = await service.PurgeAllAsync(caller, parse.GetValue(company), ct);
                Console.WriteLine(accepted.InvalidationHandle);
                return parse.GetValue(wait) ? await InvalidationProgressDisplay.WaitAsync(service, caller, accepted, ct) : 0;
            });
        }, cancellationToken));
        return command;
    }

    private static Command List()
    {
        var company = new Option<string?>("--company") { Description = "Only this company's, e.g. c|1." }
            .Checked(value => _ = value is null ? 0 : CompanyCommand.CompanyId(value));
        var status = new Option<string?>("--status") { Description = "Only those with this status." }
            .AcceptOnlyFromAmong([.. InvalidationLogReader.FilterableStatuses]);
        var kind = new Option<string>("--kind") { Description = "manual (somebody asked), automatic (a new asset version) or all.", DefaultValueFactory = _ => "all" }
            .AcceptOnlyFromAmong(InvalidationKinds.Manual, InvalidationKinds.Automatic, "all");
        var since = new Option<string?>("--since") { Description = "Only those submitted since this date or time (local, e.g. 2026-12-01 or 2026-12-01T14:00)." }
            .Checked(value => _ = value is null ? default : Since(value));
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{InvalidationLogFilter.MaxLimit}).", DefaultValueFactory = _ => InvalidationLogFilter.DefaultLimit }
            .Checked(value =>
            {
                if (value is < 1 or > InvalidationLogFilter.MaxLimit)
                {
                    throw new CliException($"--limit must be from 1 to {InvalidationLogFilter.MaxLimit}");
                }
            });
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "The invalidation log, newest first: handle, kind, scope, submitted (local time), by whom, URL count, status.")
        {
            company, status, kind, since, limit, json,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var filter = new InvalidationLogFilter(
                parse.GetValue(company) is { } handle ? CompanyCommand.CompanyId(handle) : null,
                parse.GetValue(status),
                parse.GetValue(kind) is "all" ? null : parse.GetValue(kind),
                parse.GetValue(since) is { } text ? Since(text) : null,
                parse.GetValue(limit));
            var rows = await services.GetRequiredService<InvalidationLogReader>().ListAsync(filter, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, Json));
                return 0;
            }

            Table(
                ["HANDLE", "KIND", "SCOPE", "SUBMITTED", "BY", "URLS", "STATUS"],
                rows.Select(r => new[] { r.Handle, r.Kind, r.Scope, Local(r.SubmittedAt), r.SubmittedBy, r.UrlCount.ToString(CultureInfo.InvariantCulture), r.Status }));
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Show()
    {
        var handle = HandleArgument();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("show", "One invalidation: per batch its status, providers, URLs and failures; its mails and callbacks; who asked.") { handle, json };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var detail = await services.GetRequiredService<InvalidationLogReader>().FindAsync(parse.GetValue(handle)!, ct)
                ?? throw new CliException($"no invalidation {parse.GetValue(handle)}: 'ipsapi invalidation list' shows the handles");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(detail, Json));
                return 0;
            }

            InvalidationDetailText.Write(detail, Console.Out);
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command Retry()
    {
        var handle = HandleArgument();
        var wait = new Option<bool>("--wait") { Description = "Show progress until a final status; exit 0 only for Done." };
        var command = new Command("retry", "Retry an invalidation that ended ERROR or ERROR_CDN_NODE: its failed batches, on the providers that failed.") { handle, wait };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            return await AsOperatorAsync(services, async (service, caller) =>
            {
                var retried = await service.RetryAsync(caller, parse.GetValue(handle), ct);
                Console.WriteLine(retried.InvalidationHandle);
                await Console.Error.WriteLineAsync($"retrying {retried.Batches} failed batch(es) with {retried.RetriedUrls} of the request's {retried.UrlCount} URL(s)");
                return parse.GetValue(wait)
                    ? await InvalidationProgressDisplay.WaitAsync(service, caller, new InvalidationAccepted(retried.InvalidationHandle, 0, retried.UrlCount), ct)
                    : 0;
            });
        }, cancellationToken));
        return command;
    }

    private static Argument<string> HandleArgument() =>
        new Argument<string>("HANDLE") { Description = "The invalidation handle, e.g. i|1|42|E_iJEv25SB_ZAKSVZpzJ6A." }
            .Checked(value =>
            {
                if (!InvalidationHandle.TryParse(value, out _, out _, out _))
                {
                    throw new CliException($"'{value}' is not an invalidation handle such as i|1|42|E_iJEv25SB_ZAKSVZpzJ6A");
                }
            });

    /// <summary>
    /// Runs <paramref name="work"/> as the operator at this command line (recorded as <c>cli:</c> and the account);
    /// a fault the service answers with is the command's failure, in one line.
    /// </summary>
    private static async Task<int> AsOperatorAsync(IServiceProvider services, Func<InvalidationService, Caller, Task<int>> work)
    {
        try
        {
            return await work(services.GetRequiredService<InvalidationService>(), Caller.Operator(Environment.UserName));
        }
        catch (IpsFaultException e)
        {
            throw new CliException(Refusal(e.Fault));
        }
    }

    /// <summary>A fault as one line: its code, what the code means, and the reason (its lines joined).</summary>
    internal static string Refusal(IpsFault fault) =>
        $"refused with fault {fault.Code.ToString(CultureInfo.InvariantCulture)}: {string.Join("; ", fault.Reason.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}";

    internal static string Local(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Since(string value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var parsed)
            ? new DateTimeOffset(parsed)
            : throw new CliException($"--since '{value}' is not a date or time such as 2026-12-01 or 2026-12-01T14:00");

    private static async Task<IEnumerable<string>> ReadUrlsAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            if (path == "-")
            {
                var buffer = new char[MaxFileBytes + 1];
                var read = await Console.In.ReadBlockAsync(buffer, cancellationToken);
                text = read > MaxFileBytes ? throw new CliException($"standard input holds more than {MaxFileBytes} bytes; submit at most 1000 URLs") : new string(buffer, 0, read);
            }
            else
            {
                var info = new FileInfo(path);
                text = info.Exists && info.Length > MaxFileBytes
                    ? throw new CliException($"{path} is {info.Length} bytes; a URL file may be at most {MaxFileBytes} (1000 URLs)")
                    : await File.ReadAllTextAsync(path, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }

        return text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'));
    }

    internal static void Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
