using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Support;

/// <summary>
/// A stand-in for Fastly's purge API: the URL purge <c>POST /purge/{host}/{path}</c>, and per service
/// <c>POST /service/{id}/purge_all</c> and <c>POST /service/{id}/purge/{surrogate key}</c>. Checks
/// <c>Fastly-Key</c> (and, for purge_all, that the token has the <c>purge_all</c> scope) and that the
/// service exists (<see cref="Services"/>); answers <c>GET /tokens/self</c> for the right key (401 otherwise); records each URL with its soft flag and each service purge;
/// answers <c>{"status":"ok","id":…}</c> (purge_all: <c>{"status":"ok"}</c>); can be told to throttle
/// (429), fail (503) or wait before answering.
/// </summary>
public sealed class FastlyFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FastlyFakePurge> purges = new();
    private readonly ConcurrentQueue<FastlyFakeServicePurge> servicePurges = new();
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private int received;
    private int inFlight;
    private int maxInFlight;
    private int throttlesLeft;
    private int failuresLeft;
    private int nextId;

    private FastlyFake(WebApplication app) => this.app = app;

    public string ApiKey { get; } = "fastly-key-" + Guid.NewGuid().ToString("N");

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The account's services, by ID; a purge on any other is answered 404. One exists from the start.</summary>
    public HashSet<string> Services { get; } = [NewServiceId()];

    /// <summary>Whether the token has the <c>purge_all</c> scope (a <c>purge_select</c> token purges URLs and keys only).</summary>
    public bool MayPurgeAll { get; set; } = true;

    /// <summary>A wait before every answer.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Sent as Retry-After with a 429, when set.</summary>
    public TimeSpan? ThrottleRetryAfter { get; set; }

    /// <summary>Sent as Fastly-RateLimit-Reset (UTC epoch seconds) with a 429, when set.</summary>
    public DateTimeOffset? ThrottleReset { get; set; }

    public int Received => Volatile.Read(ref received);

    /// <summary>The most requests the fake was answering at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    public IReadOnlyList<FastlyFakePurge> Purges => [.. purges];

    /// <summary>The purge_all and surrogate-key purges accepted, in order.</summary>
    public IReadOnlyList<FastlyFakeServicePurge> ServicePurges => [.. servicePurges];

    /// <summary>A service ID as Fastly makes them: 22 letters and digits.</summary>
    public static string NewServiceId() => Guid.NewGuid().ToString("N")[..22].ToUpperInvariant();

    public static async Task<FastlyFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FastlyFake(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUri = app.BoundAddress();
        return fake;
    }

    /// <summary>How many times <paramref name="cachedUrl"/> (host/path?query) was purged.</summary>
    public int Count(string cachedUrl) => counts.GetValueOrDefault(cachedUrl);

    public void ThrottleNext(int count) => Volatile.Write(ref throttlesLeft, count);

    public void FailNext(int count) => Volatile.Write(ref failuresLeft, count);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref received);
        var now = Interlocked.Increment(ref inFlight);
        try
        {
            int seen;
            while (now > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
            {
            }

            if (ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(ResponseDelay, http.RequestAborted);
            }

            await AnswerAsync(http);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext http)
    {
        const string prefix = "/purge/";
        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (target == "/tokens/self" && HttpMethods.IsGet(http.Request.Method))
        {
            await (http.Request.Headers["Fastly-Key"] == ApiKey
                ? Json(http, 200, new { id = "fake-token", name = "ipsapi purge", scopes = MayPurgeAll ? new[] { "purge_select", "purge_all" } : ["purge_select"] })
                : Json(http, 401, new { msg = "Provided credentials are missing or invalid" }));
            return;
        }

        var service = target.Split('/') is ["", "service", var serviceId, "purge_all" or "purge", ..] segments
            && (segments.Length == 4 ? segments[3] == "purge_all" : segments.Length == 5 && segments[4].Length > 0)
            ? (Id: serviceId, Key: segments.Length == 5 ? Uri.UnescapeDataString(segments[4]) : null)
            : ((string Id, string? Key)?)null;
        if (!HttpMethods.IsPost(http.Request.Method)
            || (service is null && (!target.StartsWith(prefix, StringComparison.Ordinal) || target.Length == prefix.Length)))
        {
            await Json(http, 404, new { msg = "Record not found", detail = "Cannot find what you are looking for" });
            return;
        }

        if (http.Request.Headers["Fastly-Key"] != ApiKey)
        {
            await Json(http, 401, new { msg = "Provided credentials are missing or invalid" });
            return;
        }

        if (service is { } onService && !Services.Contains(onService.Id))
        {
            await Json(http, 404, new { msg = "Record not found", detail = $"Cannot find service '{onService.Id}'" });
            return;
        }

        if (service is { Key: null } && !MayPurgeAll)
        {
            await Json(http, 403, new { msg = "You are not authorized to perform this action", detail = "The token does not have the purge_all scope" });
            return;
        }

        if (TakeOne(ref throttlesLeft))
        {
            if (ThrottleRetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            if (ThrottleReset is { } reset)
            {
                http.Response.Headers["Fastly-RateLimit-Remaining"] = "0";
                http.Response.Headers["Fastly-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            }

            await Json(http, 429, new { msg = "You have exceeded your hourly rate limit." });
            return;
        }

        if (TakeOne(ref failuresLeft))
        {
            await Json(http, 503, new { msg = "Service unavailable" });
            return;
        }

        var id = $"{Interlocked.Increment(ref nextId)}-1391560174-974124";
        if (service is { } purged)
        {
            servicePurges.Enqueue(new FastlyFakeServicePurge(purged.Id, purged.Key, http.Request.Headers.ContainsKey("Fastly-Soft-Purge"), purged.Key is null ? null : id));
            await Json(http, 200, purged.Key is null ? new { status = "ok" } : new { status = "ok", id });
            return;
        }

        var cachedUrl = target[prefix.Length..];
        purges.Enqueue(new FastlyFakePurge(cachedUrl, http.Request.Headers.ContainsKey("Fastly-Soft-Purge"), id));
        counts.AddOrUpdate(cachedUrl, 1, (_, n) => n + 1);
        await Json(http, 200, new { status = "ok", id });
    }

    private static bool TakeOne(ref int left)
    {
        while (true)
        {
            var now = Volatile.Read(ref left);
            if (now <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref left, now - 1, now) == now)
            {
                return true;
            }
        }
    }

    private static async Task Json(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
