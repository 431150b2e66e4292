using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IpsApi.Core.Purge.Akamai;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Support;

/// <summary>
/// A stand-in for Akamai's Fast Purge v3 endpoints by URL and by CP code,
/// <c>POST /ccu/v3/{invalidate|delete}/{url|cpcode}/{staging|production}</c>, and the rate-limit status
/// <c>POST /ccu/v3/rate-limit-status/{url|cpcode|tag}</c>, checking what Akamai checks: the
/// EG1-HMAC-SHA256 signature (tokens, timestamp within <see cref="ClockSkewTolerance"/>, a nonce used once), a
/// body of at most 50,000 bytes, a non-empty <c>objects</c> list (URL strings, or CP codes as positive
/// integers of this account, <see cref="CpCodes"/>), and the account-wide token buckets (requests, and objects per request), answering
/// 429 with Akamai's <c>X-Ratelimit-*</c> headers and spending no tokens when it does.
/// </summary>
public sealed class AkamaiFake : IAsyncDisposable
{
    public const int MaxBodyBytes = 50_000;

    /// <summary>The <c>max_body</c> the fake hashes when checking a signature (Akamai's default).</summary>
    public const int MaxSignedBodyBytes = 131_072;

    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private readonly TokenBucket requestBucket;
    private readonly TokenBucket urlBucket;
    private readonly Lock buckets = new();
    private readonly ConcurrentDictionary<string, byte> nonces = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AkamaiFakePurge> purges = new();
    private int received;
    private int rateLimitStatusCalls;
    private int throttled;
    private int failuresLeft;
    private int failureStatus;

    private AkamaiFake(WebApplication app, TimeProvider clock, TokenBucket requestBucket, TokenBucket urlBucket)
    {
        this.app = app;
        this.clock = clock;
        this.requestBucket = requestBucket;
        this.urlBucket = urlBucket;
    }

    /// <summary>This fake's own API client; a request signed with anything else is refused.</summary>
    public EdgeGridCredentials Credentials { get; } = new(
        "akab-client-" + Guid.NewGuid().ToString("N"),
        "akab-access-" + Guid.NewGuid().ToString("N"),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The account's CP codes: a purge naming any other is refused with 403, as Akamai refuses CP codes the client may not purge.</summary>
    public HashSet<long> CpCodes { get; } = [];

    /// <summary>The <c>estimatedSeconds</c> of every 201.</summary>
    public int EstimatedSeconds { get; set; } = 5;

    /// <summary>How far a request's timestamp may be from the fake's clock.</summary>
    public TimeSpan ClockSkewTolerance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A wait before every answer (for timeouts).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Calls of the rate-limit status endpoint, whatever the answer.</summary>
    public int RateLimitStatusCalls => Volatile.Read(ref rateLimitStatusCalls);

    /// <summary>Every request that reached the fake, whatever the answer.</summary>
    public int Received => Volatile.Read(ref received);

    /// <summary>Requests answered 429 because a bucket was short.</summary>
    public int Throttled => Volatile.Read(ref throttled);

    public IReadOnlyList<AkamaiFakePurge> Purges => [.. purges];

    /// <summary>
    /// Starts the fake. The default buckets are Akamai's documented ones: 100 requests refilled at
    /// 50 a second, and 10,000 URLs refilled at 200 a second (12,000 a minute).
    /// </summary>
    public static async Task<AkamaiFake> StartAsync(
        TimeProvider? clock = null,
        double requestBucket = 100,
        double requestsPerSecond = 50,
        double urlBucket = 10_000,
        double urlsPerSecond = 200)
    {
        clock ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new AkamaiFake(
            app,
            clock,
            new TokenBucket(requestBucket, requestsPerSecond, clock),
            new TokenBucket(urlBucket, urlsPerSecond, clock));
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUri = app.BoundAddress();
        return fake;
    }

    /// <summary>Answers the next <paramref name="count"/> authenticated requests with <paramref name="status"/> (500 or 503).</summary>
    public void FailNext(int count, int status = 503)
    {
        Volatile.Write(ref failureStatus, status);
        Volatile.Write(ref failuresLeft, count);
    }

    /// <summary>A signed Authorization header for a request to this fake, as a correct client would send it.</summary>
    public string Sign(string pathAndQuery, byte[] body, string? nonce = null) =>
        EdgeGridSigner.Authorization(
            Credentials,
            "POST",
            new Uri(BaseUri, pathAndQuery),
            new Dictionary<string, string>(),
            body,
            [],
            MaxSignedBodyBytes,
            EdgeGridSigner.Timestamp(clock.GetUtcNow()),
            nonce ?? Guid.NewGuid().ToString());

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref received);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, http.RequestAborted);
        }

        if (http.Request.Path.Value?.Trim('/').Split('/') is ["ccu", "v3", "rate-limit-status", "url" or "cpcode" or "tag"])
        {
            await RateLimitStatusAsync(http);
            return;
        }

        if (http.Request.Path.Value?.Trim('/').Split('/') is not ["ccu", "v3", "invalidate" or "delete", "url" or "cpcode", "staging" or "production"] segments)
        {
            await PurgeProblem(http, 404, "Not Found", "The requested resource was not found.");
            return;
        }

        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await PurgeProblem(http, 405, "Method Not Allowed", "Only POST is supported.");
            return;
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        if (Authenticate(http, body) is { } denied)
        {
            await Unauthorized(http, denied);
            return;
        }

        if (TakeFailure() is { } failure)
        {
            await PurgeProblem(http, failure, failure == 503 ? "Service Unavailable" : "Internal Server Error", "Try again later.");
            return;
        }

        if (body.Length > MaxBodyBytes)
        {
            await PurgeProblem(http, 413, "Request Entity Too Large", $"The request body is {body.Length} bytes; the limit is {MaxBodyBytes} bytes.");
            return;
        }

        var byCpCode = segments[3] == "cpcode";
        List<string>? urls = null;
        List<long>? cpCodes = null;
        if (byCpCode ? (cpCodes = ReadCpCodes(body)) is null : (urls = ReadObjects(body)) is null)
        {
            await PurgeProblem(http, 400, "Bad request", byCpCode
                ? "The body must be JSON with a non-empty \"objects\" array of CP codes (positive integers)."
                : "The body must be JSON with a non-empty \"objects\" array of URL strings.");
            return;
        }

        if (cpCodes?.FirstOrDefault(code => !CpCodes.Contains(code)) is { } foreign and not 0)
        {
            await PurgeProblem(http, 403, "Forbidden", $"You are not authorized to purge CP code {foreign.ToString(CultureInfo.InvariantCulture)}.");
            return;
        }

        if (await SpendTokens(http, urls?.Count ?? cpCodes!.Count))
        {
            var purge = new AkamaiFakePurge(segments[2], segments[4], urls ?? [], body.Length, "edcp-" + Guid.NewGuid().ToString("N"), SupportId())
            {
                ObjectType = segments[3],
                CpCodes = cpCodes ?? [],
                AcceptedAt = clock.GetUtcNow(),
            };
            purges.Enqueue(purge);
            await Json(http, 201, "application/json", new Dictionary<string, object>
            {
                ["httpStatus"] = 201,
                ["detail"] = "Request accepted",
                ["estimatedSeconds"] = EstimatedSeconds,
                ["purgeId"] = purge.PurgeId,
                ["supportId"] = purge.SupportId,
            });
        }
    }

    /// <summary>
    /// <c>POST /ccu/v3/rate-limit-status/{url|cpcode|tag}</c>: after the same signature check as a purge, what is left of the
    /// account's buckets, spending none of it.
    /// </summary>
    private async Task RateLimitStatusAsync(HttpContext http)
    {
        Interlocked.Increment(ref rateLimitStatusCalls);
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await PurgeProblem(http, 405, "Method Not Allowed", "Only POST is supported.");
            return;
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (Authenticate(http, buffer.ToArray()) is { } denied)
        {
            await Unauthorized(http, denied);
            return;
        }

        double requestsLeft, urlsLeft;
        lock (buckets)
        {
            (requestsLeft, urlsLeft) = (requestBucket.Available, urlBucket.Available);
        }

        await Json(http, 200, "application/json", new Dictionary<string, object>
        {
            ["rateLimit"] = (long)requestBucket.Capacity,
            ["rateLimitRemaining"] = (long)Math.Floor(requestsLeft),
            ["objectLimit"] = (long)urlBucket.Capacity,
            ["objectLimitRemaining"] = (long)Math.Floor(urlsLeft),
            ["supportId"] = SupportId(),
        });
    }

    /// <summary>Why the request is not authenticated, in Akamai's words, or null when it is.</summary>
    private string? Authenticate(HttpContext http, byte[] body)
    {
        const string prefix = EdgeGridSigner.Algorithm + " ";
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "The request requires an EG1-HMAC-SHA256 Authorization header";
        }

        var fields = header[prefix.Length..]
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First()[1], StringComparer.Ordinal);
        if (fields.GetValueOrDefault("client_token") != Credentials.ClientToken)
        {
            return "Invalid authorization client token";
        }

        if (fields.GetValueOrDefault("access_token") != Credentials.AccessToken)
        {
            return "Invalid authorization access token";
        }

        if (!fields.TryGetValue("timestamp", out var timestamp)
            || !DateTimeOffset.TryParseExact(timestamp, "yyyyMMdd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || (clock.GetUtcNow() - at).Duration() > ClockSkewTolerance)
        {
            return "Invalid timestamp";
        }

        if (!fields.TryGetValue("nonce", out var nonce) || nonce.Length == 0)
        {
            return "Invalid nonce";
        }

        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var expected = EdgeGridSigner.Authorization(
            Credentials,
            http.Request.Method,
            new Uri($"{http.Request.Scheme}://{http.Request.Host}{target}"),
            new Dictionary<string, string>(),
            body,
            [],
            MaxSignedBodyBytes,
            timestamp,
            nonce);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(expected)))
        {
            return "The signature does not match";
        }

        return nonces.TryAdd(nonce, 0) ? null : "Nonce already used";
    }

    private int? TakeFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref failuresLeft);
            if (left <= 0)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref failuresLeft, left - 1, left) == left)
            {
                return Volatile.Read(ref failureStatus);
            }
        }
    }

    private static List<string>? ReadObjects(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind is not JsonValueKind.Object
                || !document.RootElement.TryGetProperty("objects", out var objects)
                || objects.ValueKind is not JsonValueKind.Array
                || objects.GetArrayLength() == 0
                || objects.EnumerateArray().Any(o => o.ValueKind is not JsonValueKind.String))
            {
                return null;
            }

            return [.. objects.EnumerateArray().Select(o => o.GetString()!)];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<long>? ReadCpCodes(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind is not JsonValueKind.Object
                || !document.RootElement.TryGetProperty("objects", out var objects)
                || objects.ValueKind is not JsonValueKind.Array
                || objects.GetArrayLength() == 0
                || objects.EnumerateArray().Any(o => o.ValueKind is not JsonValueKind.Number || !o.TryGetInt64(out var code) || code <= 0))
            {
                return null;
            }

            return [.. objects.EnumerateArray().Select(o => o.GetInt64())];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Takes one request token and a URL token per URL, both or neither; answers 429 when either bucket is short.</summary>
    private async Task<bool> SpendTokens(HttpContext http, int urlCount)
    {
        string? title;
        double limit, remaining;
        lock (buckets)
        {
            var requestsLeft = requestBucket.Available;
            var urlsLeft = urlBucket.Available;
            (title, limit, remaining) = requestsLeft < 1 ? ("Rate Limit exceeded", requestBucket.Capacity, requestsLeft)
                : urlsLeft < urlCount ? ("URL Rate Limit exceeded", urlBucket.Capacity, urlsLeft)
                : (null, 0, 0);
            if (title is null)
            {
                requestBucket.Take(1);
                urlBucket.Take(urlCount);
            }

            var headers = http.Response.Headers;
            headers["X-Ratelimit-Remaining"] = Whole(requestBucket.Available);
            headers["X-Ratelimit-Limit-Per-Second"] = requestBucket.PerSecond.ToString("F2", CultureInfo.InvariantCulture);
            headers["X-Ratelimit-Limit"] = Whole(requestBucket.Capacity);
            headers["X-Ratelimit-Remaining-Objects"] = Whole(urlBucket.Available);
            headers["X-Ratelimit-Limit-Per-Second-Objects"] = urlBucket.PerSecond.ToString("F2", CultureInfo.InvariantCulture);
            headers["X-Ratelimit-Limit-Objects"] = Whole(urlBucket.Capacity);
        }

        if (title is null)
        {
            return true;
        }

        Interlocked.Increment(ref throttled);

        await Json(http, 429, "application/api-problem+json", new Dictionary<string, object>
        {
            ["supportId"] = SupportId(),
            ["title"] = title,
            ["httpStatus"] = 429,
            ["describedBy"] = "https://techdocs.akamai.com/purge-cache/reference/rate-limiting",
            ["rateLimit"] = (long)limit,
            ["rateLimitCurrentRequestSize"] = title.StartsWith("URL", StringComparison.Ordinal) ? urlCount : 1,
            ["rateLimitRemaining"] = (long)Math.Floor(remaining),
        });
        return false;
    }

    private static string Whole(double tokens) => ((long)Math.Floor(tokens)).ToString(CultureInfo.InvariantCulture);

    private static string SupportId() => "17PY" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

    private Task Unauthorized(HttpContext http, string detail) =>
        Json(http, 401, "application/problem+json", new Dictionary<string, object>
        {
            ["type"] = "https://problems.purge.akamaiapis.net/-/pep-authn/deny",
            ["title"] = "Not authorized",
            ["status"] = 401,
            ["detail"] = detail,
            ["instance"] = new Uri(BaseUri, http.Request.Path).ToString(),
            ["method"] = http.Request.Method,
            ["requestId"] = Guid.NewGuid().ToString("N")[..8],
            ["requestTime"] = clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });

    private static Task PurgeProblem(HttpContext http, int status, string title, string detail) =>
        Json(http, status, "application/problem+json", new Dictionary<string, object>
        {
            ["supportId"] = SupportId(),
            ["title"] = title,
            ["httpStatus"] = status,
            ["detail"] = detail,
            ["describedBy"] = $"https://techdocs.akamai.com/purge-cache/reference/{status}",
        });

    private static async Task Json(HttpContext http, int status, string contentType, Dictionary<string, object> body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
