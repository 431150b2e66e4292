using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IpsApi.Core.Companies;
using IpsApi.Core.QueueView;

namespace IpsApi.Server.Cli;

/// <summary><c>ipsapi queue stats [--json]</c> and <c>ipsapi queue list [--state S] [--kind K] [--limit N]</c>: the purge queue and the follow-up jobs as stored.</summary>
internal static class QueueCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create()
    {
        var command = new Command("queue", "Show the purge queue and the follow-up jobs (mail, callbacks).");
        command.Subcommands.Add(Stats());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Stats()
    {
        var json = new Option<bool>("--json") { Description = "Print the numbers as one JSON object." };
        var command = new Command("stats",
            "Purge batches (kind purge) and follow-up jobs by kind and state (due, retrying, scheduled, leased, failed), the oldest due one's age, "
            + "how many settled in the last minute (the drain rate), and the failures of the last hour by provider.")
        {
            json,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var stats = await services.GetRequiredService<QueueInspector>().StatsAsync(ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        at = stats.At,
                        kinds = stats.Kinds.Select(k => new
                        {
                            kind = k.Kind,
                            due = k.Due,
                            retrying = k.Retrying,
                            scheduled = k.Scheduled,
                            leased = k.Leased,
                            failed = k.Failed,
                            oldestDueSeconds = k.OldestDueAge is { } age ? Math.Round(age.TotalSeconds, 1) : (double?)null,
                            settledLastMinute = k.SettledLastMinute,
                        }),
                        failuresLastHour = stats.FailuresLastHour,
                    },
                    Json));
                return 0;
            }

            var table = new List<string[]> { new[] { "KIND", "DUE", "RETRYING", "SCHEDULED", "LEASED", "FAILED", "OLDEST DUE", "SETTLED/MIN" } };
            table.AddRange(stats.Kinds.Select(k => new[]
            {
                k.Kind, Number(k.Due), Number(k.Retrying), Number(k.Scheduled), Number(k.Leased), Number(k.Failed),
                k.OldestDueAge is { } age ? Age(age) : "-", Number(k.SettledLastMinute),
            }));
            WriteTable(table);
            Console.WriteLine(stats.FailuresLastHour.Count == 0
                ? "failures in the last hour: none"
                : "failures in the last hour: " + string.Join(", ", stats.FailuresLastHour.Select(f => $"{f.Key} {Number(f.Value)}")));
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only items in this state." }
            .AcceptOnlyFromAmong("due", "retrying", "scheduled", "leased", "failed");
        var kind = new Option<string?>("--kind") { Description = "Only this kind: purge (batches), or a follow-up job kind such as mail or callback." };
        var limit = new Option<int>("--limit")
        {
            Description = $"At most this many items, {QueueInspector.MinLimit} to {QueueInspector.MaxLimit}.",
            DefaultValueFactory = _ => QueueInspector.DefaultLimit,
        }.Checked(value =>
        {
            if (value is < QueueInspector.MinLimit or > QueueInspector.MaxLimit)
            {
                throw new CliException($"--limit must be from {QueueInspector.MinLimit} to {QueueInspector.MaxLimit}");
            }
        });
        var command = new Command("list",
            "List queued purge batches and follow-up jobs: leased, then due (oldest first), retrying and scheduled (soonest first), then failed (latest first).")
        {
            state, kind, limit,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var wanted = parse.GetValue(state) is { } text ? Enum.Parse<QueueState>(text, ignoreCase: true) : (QueueState?)null;
            var items = await services.GetRequiredService<QueueInspector>().ListAsync(wanted, parse.GetValue(kind), parse.GetValue(limit), ct);
            var table = new List<string[]> { new[] { "KIND", "ID", "COMPANY", "REQUEST", "STATE", "ATTEMPT", "NEXT ATTEMPT", "LAST ERROR" } };
            table.AddRange(items.Select(item => new[]
            {
                item.Kind,
                Number(item.Id),
                CompanyHandle.Format(item.CompanyId),
                item.RequestId is { } request ? Number(request) : "-",
                item.State.ToString().ToLowerInvariant(),
                Number(item.Attempt),
                item.State == QueueState.Failed ? "-" : item.NextAttemptAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                FirstLine(item.LastError),
            }));
            WriteTable(table);
            return 0;
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) =>
        age.TotalSeconds < 1 ? "0 s"
        : age.TotalMinutes < 2 ? $"{age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s"
        : age.TotalHours < 2 ? $"{age.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min"
        : $"{age.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h";

    /// <summary>The first stored failure, as one short line.</summary>
    private static string FirstLine(string? lastError)
    {
        if (string.IsNullOrEmpty(lastError))
        {
            return "-";
        }

        var first = Core.Purge.BatchFailures.Parse(lastError).First().Reason;
        var more = lastError.Count(c => c == '\n');
        var line = first.Length <= 100 ? first : first[..99] + "…";
        return more == 0 ? line : $"{line} (+{more} more)";
    }

    private static void WriteTable(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
