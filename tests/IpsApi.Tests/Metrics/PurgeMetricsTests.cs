using System.Text.Json;
using System.Text.RegularExpressions;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> after a purge through a real varnishd: the request, its URLs, the provider's call and its
/// duration, the settle time, the follow-ups (mail, skipped as mail is off; the callback, delivered), and the
/// framework's families; and the shipped Grafana dashboard queries only names the server exports.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed partial class PurgeMetricsTests : CachedOriginTest
{
    /// <summary>The families operators were promised, each of which the dashboard shows.</summary>
    private static readonly string[] IssueFamilies =
    [
        "ipsapi_invalidations_total", "ipsapi_invalidation_urls_total", "ipsapi_queue_jobs", "ipsapi_queue_oldest_due_seconds",
        "ipsapi_purge_attempts_total", "ipsapi_purge_duration_seconds", "ipsapi_request_settle_seconds", "ipsapi_auth_failures_total",
        "ipsapi_mail_total", "ipsapi_callbacks_total",
    ];

    private const string CcOriginator = "<ns:emailConfirmation><ns:ccOriginator>true</ns:ccOriginator></ns:emailConfirmation>";

    [Fact]
    public async Task PurgeThroughVarnish_MovesRequestUrlAttemptDurationSettleMailAndCallbackMetrics_AndFrameworkFamiliesArePresent()
    {
        var (stack, receiver) = await StartAsync();
        await using var _ = stack;
        await using var __ = receiver;
        var before = await MetricsScrape.GetAsync(stack.Server.Http);

        var after = await PurgeAsync(stack, receiver);

        Assert.Equal(1, Delta(before, after, "ipsapi_invalidations_total", ("kind", "manual"), ("scope", "urls"), ("outcome", "accepted")));
        Assert.Equal(0, Delta(before, after, "ipsapi_invalidations_total", ("outcome", "refused")));
        Assert.Equal(2, Delta(before, after, "ipsapi_invalidation_urls_total", ("kind", "manual")));
        Assert.Equal(1, Delta(before, after, "ipsapi_purge_attempts_total", ("provider", "varnish"), ("outcome", "succeeded")));
        Assert.Equal(1, Delta(before, after, "ipsapi_purge_duration_seconds_count", ("provider", "varnish")));
        Assert.True(Delta(before, after, "ipsapi_purge_duration_seconds_sum", ("provider", "varnish")) > 0);
        Assert.Equal(1, Delta(before, after, "ipsapi_request_settle_seconds_count", ("status", "Done")));
        Assert.Equal(1, Delta(before, after, "ipsapi_request_settle_seconds_bucket", ("status", "Done"), ("le", "+Inf")));
        Assert.Equal(1, Delta(before, after, "ipsapi_mail_total", ("outcome", "skipped")));
        Assert.Equal(1, Delta(before, after, "ipsapi_callbacks_total", ("outcome", "delivered")));
        Assert.Contains("ipsapi_queue_jobs", after.Families);
        Assert.Contains("ipsapi_queue_oldest_due_seconds", after.Families);

        // ASP.NET Core, Kestrel, HttpClient (the PURGE to varnishd and the callback) and the runtime.
        Assert.True(after.Sum("http_server_request_duration_seconds_count", ("http_request_method", "POST")) >= 1, after.Text);
        Assert.Contains("kestrel_active_connections", after.Families);
        Assert.True(after.Sum("http_client_request_duration_seconds_count") >= 2, after.Text);
        Assert.Contains("dotnet_gc_collections_total", after.Families);
    }

    [Fact]
    public async Task GrafanaDashboard_IsJson_AndQueriesOnlyNamesTheServerExports_CoveringEveryIpsApiFamily()
    {
        var (stack, receiver) = await StartAsync();
        await using var _ = stack;
        await using var __ = receiver;
        // An auth failure, so that its family has a sample too.
        var refused = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin.Email, "wrong"), stack.Company.Handle, [stack.Url("x")]));
        Assert.Equal(10001, refused.Fault.Code);
        var scrape = await PurgeAsync(stack, receiver);

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "grafana", "ipsapi.json")));
        var expressions = Expressions(dashboard.RootElement).ToList();
        Assert.NotEmpty(expressions);
        // Label names (in by (…) and {…}) are not metric names: left out before the names are picked.
        var used = expressions.SelectMany(e => MetricName().Matches(Labels().Replace(e, " ")).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var exported = scrape.SampleNames;
        Assert.All(used, name => Assert.True(exported.Contains(name), $"the dashboard queries {name}, which /metrics does not export"));
        Assert.All(IssueFamilies, family => Assert.Contains(family, scrape.Families));
        Assert.All(IssueFamilies, family => Assert.True(
            used.Any(u => u == family || u.StartsWith(family + "_", StringComparison.Ordinal)), $"the dashboard shows nothing of {family}"));
    }

    private async Task<(PurgeStack Stack, CallbackReceiver Receiver)> StartAsync()
    {
        var receiver = await CallbackReceiver.StartAsync();
        var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>
        {
            ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{Varnish.Port}",
            ["Jobs:PollInterval"] = "00:00:00.050",
        });
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);
        return (stack, receiver);
    }

    /// <summary>Two URLs purged to Done with a confirmation mail asked for; the scrape once the follow-ups have been counted.</summary>
    private static async Task<MetricsScrape> PurgeAsync(PurgeStack stack, CallbackReceiver receiver)
    {
        var before = await MetricsScrape.GetAsync(stack.Server.Http);
        var reply = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), stack.Company.Handle, [stack.Url("shoe"), stack.Url("hat")], CcOriginator));
        await stack.WaitForStatusAsync(reply.Handle, "Done");
        Assert.Equal(204, (await receiver.NextAsync()).AnsweredWith);

        // The follow-ups are counted as their jobs are recorded, a moment after the status and the delivery.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var scrape = await MetricsScrape.GetAsync(stack.Server.Http);
            if (Delta(before, scrape, "ipsapi_callbacks_total") >= 1 && Delta(before, scrape, "ipsapi_mail_total") >= 1
                && Delta(before, scrape, "ipsapi_request_settle_seconds_count") >= 1)
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the follow-ups were not counted; last scrape:\n{scrape.Text}");
            await Task.Delay(50);
        }
    }

    private static double Delta(MetricsScrape before, MetricsScrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    private static IEnumerable<string> Expressions(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else
                    {
                        foreach (var expression in Expressions(property.Value))
                        {
                            yield return expression;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var expression in Expressions(item))
                    {
                        yield return expression;
                    }
                }

                break;
        }
    }

    [GeneratedRegex(@"\b(?:by|without)\s*\([^)]*\)|\{[^}]*\}|\[[^\]]*\]")]
    private static partial Regex Labels();

    /// <summary>A metric name in PromQL: the families this server exports start with one of these.</summary>
    [GeneratedRegex(@"\b(?:ipsapi|http|kestrel|dotnet|aspnetcore)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
