using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Metrics;

/// <summary>
/// Who gets <c>/metrics</c>: on the server's own port loopback callers only (404 for anyone else), on <c>Metrics:Urls</c>
/// only there (and nothing else there), with <c>Metrics:User</c>/<c>Metrics:Password</c> only callers presenting them (401);
/// the worker on <c>Metrics:Urls</c> alike.
/// </summary>
public sealed class MetricsAccessTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task OwnPort_LoopbackCaller_GetsPrometheusText_ACallerForwardedFromElsewhere_Gets404()
    {
        await using var server = await StartAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        using var local = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var remote = await GetAsync(server.Http, "/metrics", forwardedFor: "203.0.113.7");

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.StartsWith("text/plain", local.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("# TYPE ipsapi_queue_jobs gauge", await local.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, remote.StatusCode);
    }

    [Fact]
    public async Task MetricsUrls_ServeMetricsOnlyThere_AndNothingElseThere_TheOwnPortAnswers404()
    {
        var port = IpsApiProcess.FreePort();
        await using var server = await StartAsync(new() { ["Metrics:Urls"] = $"http://127.0.0.1:{port}" });
        using var listener = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var there = await listener.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var health = await listener.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var own = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var ownHealth = await server.Http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, there.StatusCode);
        Assert.Contains("ipsapi_queue_jobs", await there.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownHealth.StatusCode);
    }

    [Fact]
    public async Task WithUserAndPassword_EveryCallerMustPresentThem_NoneOrWrongGets401_RightGetsTheText()
    {
        await using var server = await StartAsync(new()
        {
            ["Metrics:User"] = "prometheus",
            ["Metrics:Password"] = "s3cret-scrape",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });

        using var none = await GetAsync(server.Http, "/metrics");
        using var wrong = await GetAsync(server.Http, "/metrics", Basic("prometheus", "s3cret-scrapE"));
        using var right = await GetAsync(server.Http, "/metrics", Basic("prometheus", "s3cret-scrape"));
        using var rightFromElsewhere = await GetAsync(server.Http, "/metrics", Basic("prometheus", "s3cret-scrape"), forwardedFor: "203.0.113.7");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("ipsapi_queue_jobs", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, rightFromElsewhere.StatusCode);
    }

    [Fact]
    public async Task Worker_ServesMetricsOnMetricsUrls_WithTheBasicRule_AndNothingElseThere()
    {
        var port = IpsApiProcess.FreePort();
        await using var worker = await IpsApiServer.StartAsync(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Metrics:Urls"] = $"http://127.0.0.1:{port}",
            ["Metrics:User"] = "prometheus",
            ["Metrics:Password"] = "s3cret-scrape",
        }, "worker", "--workers", "1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        // The listener starts with the host's other services, just after the workers announce themselves.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await AnswersAsync(http))
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing listens on {port}; output:\n{worker.Output}");
            await Task.Delay(50);
        }

        using var none = await GetAsync(http, "/metrics");
        using var right = await GetAsync(http, "/metrics", Basic("prometheus", "s3cret-scrape"));
        using var other = await GetAsync(http, "/healthz", Basic("prometheus", "s3cret-scrape"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var text = await right.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ipsapi_queue_jobs gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Disabled_Answers404()
    {
        await using var server = await StartAsync(new() { ["Metrics:Enabled"] = "false" });

        using var response = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("Metrics:User", "prometheus", "Metrics:User and Metrics:Password are set together")]
    [InlineData("Metrics:Urls", "127.0.0.1:9464", "Metrics:Urls '127.0.0.1:9464'")]
    [InlineData("Metrics:QueueReadInterval", "00:00:00.500", "Metrics:QueueReadInterval must be from")]
    public async Task BadSetting_StopsTheStart_NamingTheKey(string key, string value, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    private Task<TestServer> StartAsync(Dictionary<string, string?> settings) =>
        TestServer.StartOnPostgresAsync(database.ConnectionString, settings);

    private static async Task<bool> AnswersAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, AuthenticationHeaderValue? auth = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return http.SendAsync(request);
    }
}
