using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using IpsApi.Core.Companies;
using IpsApi.Core.Purge.Budget;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Fastly;

/// <summary>
/// Fastly URL purge: one <c>POST {BaseUri}/purge/{host}{path?query}</c> per URL, host and path as in
/// its <see cref="PurgeTarget"/> (the path is not re-encoded), with <c>Fastly-Key</c>
/// (and <c>Fastly-Soft-Purge: 1</c> when soft), at most <see cref="FastlyOptions.Concurrency"/> at once.
/// The batch's outcome is the worst of its URLs': permanent, then transient, then throttled.
/// A company's whole cache is its surrogate key purged on its service
/// (<c>POST /service/{id}/purge/{key}</c>, soft when configured), or, without a key, its own service purged
/// whole (<c>POST /service/{id}/purge_all</c>, which Fastly never does softly).
/// </summary>
public sealed partial class FastlyPurgeProvider : IPurgeProvider
{
    private const int ReasonLimit = 300;
    private const int IdsInReceipt = 5;
    private static readonly TimeSpan DefaultThrottleDelay = TimeSpan.FromSeconds(1);

    private readonly HttpClient httpClient;
    private readonly FastlyOptions settings;
    private readonly TimeProvider timeProvider;
    private readonly RateBudget budget;
    private readonly ILogger<FastlyPurgeProvider> logger;

    public FastlyPurgeProvider(HttpClient httpClient, IOptions<FastlyOptions> options, TimeProvider timeProvider, RateBudget budget, ILogger<FastlyPurgeProvider> logger)
    {
        this.httpClient = httpClient;
        settings = options.Value;
        this.timeProvider = timeProvider;
        this.budget = budget;
        this.logger = logger;
    }

    public string Name => "fastly";

    /// <summary>Fastly purges globally in about 150 ms.</summary>
    public int EstimatedSeconds => 1;

    public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return PurgeOutcome.Succeeded();
        }

        if (!settings.IsConfigured)
        {
            LogNotConfigured();
            return PurgeOutcome.Permanent(PurgeOutcome.All(targets, 0, $"Fastly is not configured: {FastlyOptions.Section}:ApiToken is empty."));
        }

        LogSending(targets.Count, settings.SoftPurge, settings.Concurrency);
        var results = new UrlResult[targets.Count];
        var keyRejection = new KeyRejection();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                // A rejected key fails every call the same way: stop calling Fastly with it.
                results[i] = keyRejection.Result is { } rejected
                    ? rejected with { Url = targets[i].Url }
                    : await PurgeOneAsync(targets[i], token).ConfigureAwait(false);
                if (results[i].Kind is PurgeOutcomeKind.Permanent && results[i].Code is 401 or 403)
                {
                    keyRejection.Result ??= results[i];
                }
            }).ConfigureAwait(false);

        return Combine(results);
    }

    public string? WholeCacheRefusal(Company company) => WholeCacheCall(company).Refusal;

    public async Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken)
    {
        var subject = WholeCache.Subject(company.Id);
        if (!settings.IsConfigured)
        {
            LogNotConfigured();
            return PurgeOutcome.Permanent(WholeCache.Failed(company.Id, 0, $"Fastly is not configured: {FastlyOptions.Section}:ApiToken is empty."));
        }

        var (path, soft, what, refusal) = WholeCacheCall(company);
        if (refusal is not null)
        {
            return PurgeOutcome.Permanent(WholeCache.Failed(company.Id, 0, refusal));
        }

        LogSendingWholeCache(company.Handle, what);
        var result = await SendAsync(subject, PurgeTarget.VerbatimUri(settings.BaseUri, path!), soft, cancellationToken).ConfigureAwait(false);
        LogAnswered(subject, result.Code, result.Reason);
        var failure = new UrlFailure(subject, result.Code, result.Reason);
        return result.Kind switch
        {
            PurgeOutcomeKind.Succeeded => PurgeOutcome.Succeeded($"fastly {(soft ? "soft-" : "")}{what}{(result.Id is { } id ? " id=" + id : "")}", EstimatedSeconds),
            PurgeOutcomeKind.Throttled => PurgeOutcome.Throttled(result.RetryAfter!.Value, result.Reason),
            PurgeOutcomeKind.Permanent => PurgeOutcome.Permanent([failure]),
            _ => PurgeOutcome.Transient([failure], result.RetryAfter),
        };
    }

    /// <summary>
    /// The call that purges the company's whole cache, or why there is none. A surrogate key comes first: it
    /// purges only the company's objects, on the company's own service if it names one, else on the shared
    /// <see cref="FastlyOptions.ServiceId"/>. Without a key, the company's own service is purged whole.
    /// </summary>
    private (string? Path, bool Soft, string What, string? Refusal) WholeCacheCall(Company company)
    {
        if (company.FastlySurrogateKey is { Length: > 0 } key)
        {
            var service = company.FastlyServiceId is { Length: > 0 } own ? own : settings.ServiceId;
            return service is null
                ? (null, false, "", $"fastly purges company {company.Handle}'s surrogate key on the service it tags, and none is set: set {FastlyOptions.Section}:ServiceId (the shared service) or ipsapi company update {company.Handle} --fastly-service ID")
                : ($"/service/{Uri.EscapeDataString(service)}/purge/{Uri.EscapeDataString(key)}", settings.SoftPurge, $"purged key {key} on service {service}", null);
        }

        return company.FastlyServiceId is { Length: > 0 } serviceId
            ? ($"/service/{Uri.EscapeDataString(serviceId)}/purge_all", false, $"purged all of service {serviceId}", null)
            : (null, false, "", $"fastly needs company {company.Handle}'s own service or its surrogate key on a shared one: ipsapi company update {company.Handle} --fastly-service ID (purged whole) or --fastly-surrogate-key KEY (with {FastlyOptions.Section}:ServiceId)");
    }

    private PurgeOutcome Combine(UrlResult[] results)
    {
        var permanent = results.Where(r => r.Kind is PurgeOutcomeKind.Permanent).ToArray();
        var transient = results.Where(r => r.Kind is PurgeOutcomeKind.Transient).ToArray();
        var throttled = results.Where(r => r.Kind is PurgeOutcomeKind.Throttled).ToArray();
        if (permanent.Length > 0)
        {
            LogNotPurged(PurgeOutcomeKind.Permanent, permanent.Length, results.Length, permanent[0].Reason);
            return PurgeOutcome.Permanent([.. permanent.Select(r => new UrlFailure(r.Url, r.Code, r.Reason))]);
        }

        if (transient.Length > 0)
        {
            LogNotPurged(PurgeOutcomeKind.Transient, transient.Length, results.Length, transient[0].Reason);
            return PurgeOutcome.Transient(
                [.. transient.Select(r => new UrlFailure(r.Url, r.Code, r.Reason))],
                transient.Max(r => r.RetryAfter));
        }

        if (throttled.Length > 0)
        {
            var longest = throttled.MaxBy(r => r.RetryAfter!.Value)!;
            LogNotPurged(PurgeOutcomeKind.Throttled, throttled.Length, results.Length, longest.Reason);
            return PurgeOutcome.Throttled(longest.RetryAfter!.Value, longest.Reason);
        }

        var ids = results.Select(r => r.Id).OfType<string>().ToArray();
        LogPurged(results.Length);
        var receipt = $"fastly {(settings.SoftPurge ? "soft-" : "")}purged {results.Length.ToString(CultureInfo.InvariantCulture)} URLs"
            + (ids.Length == 0 ? ""
                : " ids=" + string.Join(',', ids.Take(IdsInReceipt))
                    + (ids.Length > IdsInReceipt ? $" +{(ids.Length - IdsInReceipt).ToString(CultureInfo.InvariantCulture)} more" : ""));
        return PurgeOutcome.Succeeded(receipt, EstimatedSeconds);
    }

    private async Task<UrlResult> PurgeOneAsync(PurgeTarget target, CancellationToken cancellationToken)
    {
        // Fastly's URL purge takes the cached URL without its scheme: /purge/www.example.com/path?query
        var requestUri = PurgeTarget.VerbatimUri(settings.BaseUri, "/purge/" + target.Authority + target.PathAndQuery);
        var result = await SendAsync(target.Url, requestUri, settings.SoftPurge, cancellationToken).ConfigureAwait(false);
        LogAnswered(target.Url, result.Code, result.Reason);
        return result;
    }

    /// <summary>One purge call; its result names <paramref name="url"/> (the URL, or a whole-cache subject).</summary>
    /// <summary>One call, after taking its tokens from the account's rate budget (one request, one object; none when off).</summary>
    private async Task<UrlResult> SendAsync(string url, Uri requestUri, bool soft, CancellationToken cancellationToken)
    {
        if (await budget.TakeAsync(FastlyOptions.BudgetAccount, settings.Budget, 1, cancellationToken).ConfigureAwait(false) is { } later)
        {
            return new UrlResult(url, PurgeOutcomeKind.Throttled, 429, $"the rate budget of {FastlyOptions.BudgetAccount} ({settings.Budget}) has no tokens within {settings.Budget.MaxWait.TotalSeconds:0.###} s")
            {
                RetryAfter = later,
            };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, requestUri);
        request.Headers.TryAddWithoutValidation("Fastly-Key", settings.ApiToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (soft)
        {
            request.Headers.TryAddWithoutValidation("Fastly-Soft-Purge", "1");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await httpClient.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var result = Classify(url, (int)response.StatusCode, response.Headers, Answer.Read(text));
            if (result is { Kind: PurgeOutcomeKind.Throttled, RetryAfter: { } retryAfter })
            {
                // The account's limit is lower than the budget, or shared with another client: no node calls again before Fastly's delay.
                await budget.ThrottledAsync(FastlyOptions.BudgetAccount, settings.Budget, retryAfter, CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(url, settings.Timeout);
            return new UrlResult(url, PurgeOutcomeKind.Transient, 0, $"Fastly did not answer within {settings.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(exception, url);
            return new UrlResult(url, PurgeOutcomeKind.Transient, 0, Trim($"Fastly could not be reached: {exception.Message}"));
        }
    }

    /// <summary>2xx purged; 429 throttled; 401/403 key rejected; other 4xx permanent; 408, 5xx and the rest transient.</summary>
    private UrlResult Classify(string url, int status, HttpResponseHeaders headers, Answer answer)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        return status switch
        {
            >= 200 and < 300 => new UrlResult(url, PurgeOutcomeKind.Succeeded, status, "ok") { Id = answer.Id },
            429 => new UrlResult(url, PurgeOutcomeKind.Throttled, status, Trim($"Fastly {code} {answer.Message ?? "Too Many Requests"}"))
            {
                RetryAfter = ThrottleDelay(headers),
            },
            401 or 403 => new UrlResult(url, PurgeOutcomeKind.Permanent, status, Trim($"Fastly-Key rejected ({code}{(answer.Message is { } message ? ": " + message : "")})")),
            >= 400 and < 500 and not 408 => new UrlResult(url, PurgeOutcomeKind.Permanent, status, Trim($"Fastly {code} {answer.Message}".TrimEnd())),
            _ => new UrlResult(url, PurgeOutcomeKind.Transient, status, Trim($"Fastly {code} {answer.Message}".TrimEnd())) { RetryAfter = RetryAfter(headers) },
        };
    }

    /// <summary>Retry-After; else <c>Fastly-RateLimit-Reset</c> (UTC epoch seconds) from now; else one second.</summary>
    private TimeSpan ThrottleDelay(HttpResponseHeaders headers)
    {
        if (RetryAfter(headers) is { } retryAfter)
        {
            return retryAfter;
        }

        if (headers.TryGetValues("Fastly-RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochSeconds)
            && epochSeconds is > 0 and < 253_402_300_800) // before year 10000, so the conversion cannot throw
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(epochSeconds) - timeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }
        }

        return DefaultThrottleDelay;
    }

    private TimeSpan? RetryAfter(HttpResponseHeaders headers) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > timeProvider.GetUtcNow() ? date - timeProvider.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static string Trim(string text) => text.Length <= ReasonLimit ? text : text[..(ReasonLimit - 1)] + "…";

    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "Purging {UrlCount} URLs at Fastly (soft {SoftPurge}, {Concurrency} at once)")]
    private partial void LogSending(int urlCount, bool softPurge, int concurrency);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Fastly purged {UrlCount} URLs")]
    private partial void LogPurged(int urlCount);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Fastly purge {Outcome}: {FailedCount} of {UrlCount} URLs not purged; first reason: {Reason}")]
    private partial void LogNotPurged(PurgeOutcomeKind outcome, int failedCount, int urlCount, string reason);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Debug, Message = "Fastly answered {StatusCode} for {Url}: {Reason}")]
    private partial void LogAnswered(string url, int statusCode, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Debug, Message = "Fastly could not be reached to purge {Url}")]
    private partial void LogUnreachable(Exception exception, string url);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Debug, Message = "Fastly did not answer within {Timeout} for {Url}")]
    private partial void LogTimedOut(string url, TimeSpan timeout);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Error, Message = "A Fastly purge was asked for, but Purge:Fastly:ApiToken is not set")]
    private partial void LogNotConfigured();

    [LoggerMessage(EventId = 4207, Level = LogLevel.Information, Message = "Purging the whole cache of company {Company} at Fastly: {What}")]
    private partial void LogSendingWholeCache(string company, string what);

    /// <summary>What happened to one URL.</summary>
    private sealed record UrlResult(string Url, PurgeOutcomeKind Kind, int Code, string Reason)
    {
        public string? Id { get; init; }

        public TimeSpan? RetryAfter { get; init; }
    }

    /// <summary>The first 401/403 of a batch, shared by its parallel calls.</summary>
    private sealed class KeyRejection
    {
        private UrlResult? result;

        public UrlResult? Result
        {
            get => Volatile.Read(ref result);
            set => Volatile.Write(ref result, value);
        }
    }

    /// <summary>The members of Fastly's answers used here: <c>id</c> on success, <c>msg</c>/<c>detail</c> on errors.</summary>
    private sealed record Answer(string? Id, string? Message)
    {
        public static Answer Read(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind is not JsonValueKind.Object)
                {
                    return Plain(text);
                }

                var words = string.Join(": ", new[] { Text(root, "msg"), Text(root, "detail") }.Where(w => !string.IsNullOrWhiteSpace(w)));
                return new Answer(Text(root, "id"), words.Length > 0 ? words : null);
            }
            catch (JsonException)
            {
                return Plain(text);
            }
        }

        private static Answer Plain(string text)
        {
            var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return new Answer(null, line.Length == 0 ? null : line.Length > 200 ? line[..200] : line);
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String ? value.GetString() : null;
    }
}
