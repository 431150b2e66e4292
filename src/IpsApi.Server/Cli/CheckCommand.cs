using System.CommandLine;
using System.Text.Json;
using IpsApi.Core.Diagnostics;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>ipsapi check [--json]</c>: tests the store and every configured provider the way the server uses them, one line
/// per check (<c>ok   varnish http://127.0.0.1:6081  PURGE answered 200 Purged in 3 ms</c>, or <c>FAIL</c> with the
/// reason); exits 1 when any check fails. Nothing secret is printed.
/// </summary>
internal static class CheckCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object instead of lines." };
        var command = new Command("check",
            "Test the store (reachable, migrated) and every configured provider as purging uses it: each Varnish node answers a PURGE of a canary URL, "
            + "Akamai accepts the credentials, Fastly the token, the SMTP server a connection (no mail is sent). Exits 1 if any check fails.")
        {
            json,
        };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var check = services.GetRequiredService<SystemCheck>();
            var results = await check.RunAsync(ct);
            var passed = results.All(r => r.Passed);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        ok = passed,
                        checks = results.Select(r => new { check = r.Check, target = r.Target, ok = r.Passed, detail = r.Detail, milliseconds = (long)r.Elapsed.TotalMilliseconds }),
                        notConfigured = check.NotConfigured,
                    },
                    Json));
            }
            else
            {
                foreach (var result in results)
                {
                    Console.WriteLine($"{(result.Passed ? "ok" : "FAIL"),-4} {result.Check} {result.Target}  {result.Detail}");
                }

                if (check.NotConfigured.Count > 0)
                {
                    Console.WriteLine($"not configured: {string.Join(", ", check.NotConfigured)}");
                }
            }

            return passed ? 0 : 1;
        }, cancellationToken, StoreUse.Migrate));
        return command;
    }
}
