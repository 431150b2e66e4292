using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using IpsApi.Core.Companies;
using IpsApi.Core.Purge.Budget;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Akamai;

/// <summary>
/// Akamai Fast Purge v3 by URL: <c>POST /ccu/v3/{invalidate|delete}/url/{network}</c> with
/// <c>{"objects":[…]}</c>, EdgeGrid-signed. A URL list whose body would pass
/// <see cref="AkamaiOptions.MaxBodyBytes"/> goes out as several requests, one after another; the
/// first part that is not accepted decides the outcome (a purge is idempotent, so the queue
/// simply sends the whole batch again). Each request first takes its tokens from the account's rate budget
/// (<see cref="AkamaiOptions.Budget"/>, shared by every node), so no part holds more URLs than the URL bucket;
/// a 429 empties the budget until Akamai's delay has passed. A company's whole cache is purged by its CP codes:
/// <c>POST /ccu/v3/{invalidate|delete}/cpcode/{network}</c> with <c>{"objects":[123,456]}</c>.
/// </summary>
public sealed partial class AkamaiPurgeProvider : IPurgeProvider
{
    private const int ReasonLimit = 300;

    // The body is sent to an API, never embedded in HTML, so only what JSON itself needs is escaped:
    // query strings keep their '&' and '+' as one byte each instead of six.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // {"objects":[ and ]}
    private static readonly int Overhead = "{\"objects\":[]}".Length;

    private static readonly IReadOnlyDictionary<string, string> NoSignedHeaders = FrozenDictionary<string, string>.Empty;

    private readonly HttpClient httpClient;
    private readonly AkamaiOptions settings;
    private readonly TimeProvider timeProvider;
    private readonly AkamaiPurgeState state;
    private readonly RateBudget budget;
    private readonly ILogger<AkamaiPurgeProvider> logger;

    public AkamaiPurgeProvider(
        HttpClient httpClient,
        IOptions<AkamaiOptions> options,
        TimeProvider timeProvider,
        AkamaiPurgeState state,
        RateBudget budget,
        ILogger<AkamaiPurgeProvider> logger)
    {
        this.httpClient = httpClient;
        settings = options.Value;
        this.timeProvider = timeProvider;
        this.state = state;
        this.budget = budget;
        this.logger = logger;
    }

    public string Name => "akamai";

    /// <summary>The <c>estimatedSeconds</c> of Akamai's latest accepted purge (5 until one is accepted).</summary>
    public int EstimatedSeconds => state.EstimatedSeconds;

    private string Action => Canonical(settings.Action, AkamaiOptionsValidator.Actions);

    private string Network => Canonical(settings.Network, AkamaiOptionsValidator.Networks);

    public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return PurgeOutcome.Succeeded();
        }

        if (!settings.IsConfigured)
        {
            LogNotConfigured();
            return PurgeOutcome.Permanent(PurgeOutcome.All(targets, 0, $"Akamai is not configured: {AkamaiOptions.Section}:Host is empty."));
        }

        var (encoded, unfit) = Encode(targets);
        if (unfit.Count > 0)
        {
            LogUrlsDoNotFit(unfit.Count, settings.MaxBodyBytes);
            return PurgeOutcome.Permanent(unfit);
        }

        var parts = Split(encoded);
        var receipts = new List<string>(parts.Count);
        var estimate = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var (start, count) = parts[i];
            var partUrls = targets.Skip(start).Take(count).Select(t => t.Url).ToArray();
            var body = Body(encoded, start, count);
            LogSending(i + 1, parts.Count, count, body.Length, Action, Network);
            var answer = await SendAsync("url", partUrls, partUrls.Length, body, cancellationToken).ConfigureAwait(false);
            if (answer.Failure is not null)
            {
                return answer.Failure;
            }

            receipts.Add(answer.Receipt!);
            estimate = Math.Max(estimate, answer.EstimatedSeconds);
        }

        return PurgeOutcome.Succeeded(string.Join("; ", receipts), estimate);
    }

    public string? WholeCacheRefusal(Company company) =>
        company.AkamaiCpCodes.Count == 0
            ? $"akamai purges a company's whole cache by its CP codes, and company {company.Handle} has none: ipsapi company update {company.Handle} --akamai-cpcode N"
            : null;

    /// <summary>One request for all of the company's CP codes (a handful of numbers: far within Akamai's body limit).</summary>
    public async Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken)
    {
        if (!settings.IsConfigured)
        {
            LogNotConfigured();
            return PurgeOutcome.Permanent(WholeCache.Failed(company.Id, 0, $"Akamai is not configured: {AkamaiOptions.Section}:Host is empty."));
        }

        if (WholeCacheRefusal(company) is { } refusal)
        {
            return PurgeOutcome.Permanent(WholeCache.Failed(company.Id, 0, refusal));
        }

        var codes = company.AkamaiCpCodes.Distinct().ToArray();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { objects = codes });
        LogSendingCpCodes(company.Handle, codes.Length, Action, Network);
        var answer = await SendAsync("cpcode", [WholeCache.Subject(company.Id)], codes.Length, body, cancellationToken).ConfigureAwait(false);
        return answer.Failure
            ?? PurgeOutcome.Succeeded($"{answer.Receipt} cpcodes={string.Join(',', codes.Select(c => c.ToString(CultureInfo.InvariantCulture)))}", answer.EstimatedSeconds);
    }

    /// <summary>Each target's canonical URL as JSON string content; URLs that could not fit even alone in a body are refused.</summary>
    private (JsonEncodedText[] Encoded, List<UrlFailure> Unfit) Encode(IReadOnlyList<PurgeTarget> targets)
    {
        var encoded = new JsonEncodedText[targets.Count];
        var unfit = new List<UrlFailure>();
        for (var i = 0; i < targets.Count; i++)
        {
            try
            {
                encoded[i] = JsonEncodedText.Encode(targets[i].Canonical, Encoder);
            }
            catch (ArgumentException)
            {
                unfit.Add(new UrlFailure(targets[i].Url, 0, "The URL is not valid text (unpaired surrogate)."));
                continue;
            }

            if (Overhead + Cost(encoded[i]) > settings.MaxBodyBytes)
            {
                unfit.Add(new UrlFailure(targets[i].Url, 413, $"The URL alone makes an Akamai request body longer than {settings.MaxBodyBytes} bytes."));
            }
        }

        return (encoded, unfit);
    }

    /// <summary>
    /// Consecutive runs of URLs whose serialized body stays within <see cref="AkamaiOptions.MaxBodyBytes"/> and
    /// whose count within the URL bucket's capacity (Akamai refuses a request its bucket could never hold).
    /// </summary>
    private List<(int Start, int Count)> Split(JsonEncodedText[] encoded)
    {
        var parts = new List<(int Start, int Count)>();
        var maxUrls = settings.Budget.Urls is { IsOn: true } urls ? (int)Math.Min(int.MaxValue, Math.Floor(urls.Capacity)) : int.MaxValue;
        var start = 0;
        var size = Overhead;
        for (var i = 0; i < encoded.Length; i++)
        {
            var cost = Cost(encoded[i]) + (i == start ? 0 : 1); // a comma before every URL but the first
            if (i > start && (size + cost > settings.MaxBodyBytes || i - start >= maxUrls))
            {
                parts.Add((start, i - start));
                start = i;
                size = Overhead + Cost(encoded[i]);
            }
            else
            {
                size += cost;
            }
        }

        parts.Add((start, encoded.Length - start));
        return parts;
    }

    /// <summary>Bytes of one URL in the array: its escaped UTF-8 and two quotes.</summary>
    private static int Cost(JsonEncodedText url) => url.EncodedUtf8Bytes.Length + 2;

    private static byte[] Body(JsonEncodedText[] encoded, int start, int count)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("objects");
            for (var i = start; i < start + count; i++)
            {
                writer.WriteStringValue(encoded[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One signed request purging by <paramref name="objectType"/> (<c>url</c> or <c>cpcode</c>) with <paramref name="objectCount"/>
    /// objects in its body; failures name <paramref name="urls"/>.
    /// </summary>
    private async Task<PartAnswer> SendAsync(string objectType, string[] urls, int objectCount, byte[] body, CancellationToken cancellationToken)
    {
        if (await budget.TakeAsync(settings.BudgetAccount, settings.Budget, objectCount, cancellationToken).ConfigureAwait(false) is { } later)
        {
            return PartAnswer.Failed(PurgeOutcome.Throttled(
                later,
                $"the rate budget of {settings.BudgetAccount} ({settings.Budget}) has no tokens for {objectCount} object(s) within {settings.Budget.MaxWait.TotalSeconds:0.###} s"));
        }

        var uri = new Uri(settings.EffectiveBaseUri, $"/ccu/v3/{Uri.EscapeDataString(Action)}/{objectType}/{Uri.EscapeDataString(Network)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("Authorization", EdgeGridSigner.Authorization(
            settings.Credentials(),
            "POST",
            uri,
            NoSignedHeaders,
            body,
            [],
            settings.MaxSignedBodyBytes,
            EdgeGridSigner.Timestamp(timeProvider.GetUtcNow()),
            Guid.NewGuid().ToString()));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await httpClient.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var answer = Classify(urls, objectCount, (int)response.StatusCode, response.Headers, Answer.Read(text));
            if (answer.Failure is { Kind: PurgeOutcomeKind.Throttled, RetryAfter: { } retryAfter })
            {
                // Someone else spent the account's tokens too (another client, a budget set above Akamai's):
                // no node calls again before Akamai's delay has passed.
                await budget.ThrottledAsync(settings.BudgetAccount, settings.Budget, retryAfter, CancellationToken.None).ConfigureAwait(false);
            }

            return answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(objectCount, settings.Timeout);
            return PartAnswer.Failed(PurgeOutcome.Transient(PurgeOutcome.All(urls, 0, $"Akamai did not answer within {settings.Timeout.TotalSeconds:0.###} s.")));
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(exception, objectCount);
            return PartAnswer.Failed(PurgeOutcome.Transient(PurgeOutcome.All(urls, 0, Trim($"Akamai could not be reached: {exception.Message}"))));
        }
    }

    /// <summary>201 accepted; 429 throttled; 400, 401, 403, 404, 413 and other 4xx permanent; 408 and 5xx transient.</summary>
    private PartAnswer Classify(string[] urls, int objectCount, int status, HttpResponseHeaders headers, Answer answer)
    {
        if (status is >= 200 and < 300)
        {
            var estimated = answer.EstimatedSeconds ?? AkamaiPurgeState.DefaultEstimatedSeconds;
            state.EstimatedSeconds = estimated;
            LogAccepted(objectCount, answer.PurgeId, answer.SupportId, estimated);
            return PartAnswer.Accepted(
                $"akamai purgeId={answer.PurgeId} supportId={answer.SupportId} estimatedSeconds={estimated.ToString(CultureInfo.InvariantCulture)}",
                estimated);
        }

        var reason = Reason(status, answer);
        if (status == 429)
        {
            var delay = ThrottleDelay(headers, objectCount);
            LogThrottled(objectCount, delay, reason);
            return PartAnswer.Failed(PurgeOutcome.Throttled(delay, reason));
        }

        if (status is >= 400 and < 500 and not 408)
        {
            LogRefused(status, objectCount, reason);
            return PartAnswer.Failed(PurgeOutcome.Permanent(PurgeOutcome.All(urls, status, reason)));
        }

        LogFailed(status, objectCount, reason);
        return PartAnswer.Failed(PurgeOutcome.Transient(PurgeOutcome.All(urls, status, reason), RetryAfter(headers)));
    }

    /// <summary>
    /// Retry-After when Akamai sends one. Otherwise Akamai's own advice for a 429: wait five seconds
    /// (<see cref="AkamaiOptions.DefaultThrottleDelay"/>), and longer if the <c>X-Ratelimit-*</c>
    /// headers show the request or URL bucket needs more time to refill for this request.
    /// </summary>
    private TimeSpan ThrottleDelay(HttpResponseHeaders headers, int urlCount)
    {
        if (RetryAfter(headers) is { } retryAfter)
        {
            return retryAfter;
        }

        var requests = Refill(headers, "X-Ratelimit-Remaining", "X-Ratelimit-Limit-Per-Second", 1);
        var objects = Refill(headers, "X-Ratelimit-Remaining-Objects", "X-Ratelimit-Limit-Per-Second-Objects", urlCount);
        var refill = TimeSpan.FromSeconds(Math.Min(Math.Max(requests, objects), TimeSpan.FromMinutes(10).TotalSeconds));
        return refill > settings.DefaultThrottleDelay ? refill : settings.DefaultThrottleDelay;
    }

    /// <summary>Whole seconds until a bucket holding <paramref name="remainingHeader"/> tokens and refilling at <paramref name="rateHeader"/> per second has <paramref name="needed"/>.</summary>
    private static double Refill(HttpResponseHeaders headers, string remainingHeader, string rateHeader, int needed) =>
        Number(headers, remainingHeader) is { } remaining && Number(headers, rateHeader) is { } perSecond and > 0 && remaining < needed
            ? Math.Ceiling((needed - remaining) / perSecond)
            : 0;

    private static double? Number(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
        && double.IsFinite(number)
            ? number
            : null;

    private TimeSpan? RetryAfter(HttpResponseHeaders headers) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > timeProvider.GetUtcNow() ? date - timeProvider.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static string Reason(int status, Answer problem)
    {
        var words = string.Join(": ", new[] { problem.Title, problem.Detail }.Where(w => !string.IsNullOrWhiteSpace(w)));
        var reason = $"Akamai {status.ToString(CultureInfo.InvariantCulture)}"
            + (words.Length > 0 ? " " + words : "")
            + (problem.SupportId is { Length: > 0 } supportId ? $" (supportId {supportId})" : "");
        return Trim(reason);
    }

    private static string Trim(string text) => text.Length <= ReasonLimit ? text : text[..(ReasonLimit - 1)] + "…";

    private static string Canonical(string configured, string[] allowed) =>
        allowed.FirstOrDefault(value => value.Equals(configured.Trim(), StringComparison.OrdinalIgnoreCase)) ?? configured.Trim();

    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Sending Akamai purge part {Part} of {Parts}: {UrlCount} URLs, {BodyBytes} bytes, {PurgeAction} on {PurgeNetwork}")]
    private partial void LogSending(int part, int parts, int urlCount, int bodyBytes, string purgeAction, string purgeNetwork);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Akamai accepted {ObjectCount} object(s): purgeId {PurgeId}, supportId {SupportId}, estimatedSeconds {EstimatedSeconds}")]
    private partial void LogAccepted(int objectCount, string? purgeId, string? supportId, int estimatedSeconds);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Akamai throttled a purge of {ObjectCount} object(s); retry after {RetryAfter}: {Reason}")]
    private partial void LogThrottled(int objectCount, TimeSpan retryAfter, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Akamai refused a purge of {ObjectCount} object(s) with {StatusCode}: {Reason}")]
    private partial void LogRefused(int statusCode, int objectCount, string reason);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Akamai failed a purge of {ObjectCount} object(s) with {StatusCode}: {Reason}")]
    private partial void LogFailed(int statusCode, int objectCount, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Akamai could not be reached for a purge of {ObjectCount} object(s)")]
    private partial void LogUnreachable(Exception exception, int objectCount);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Akamai did not answer a purge of {ObjectCount} object(s) within {Timeout}")]
    private partial void LogTimedOut(int objectCount, TimeSpan timeout);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "{UrlCount} URLs cannot be sent to Akamai: alone each makes a body over {MaxBodyBytes} bytes or is not valid text")]
    private partial void LogUrlsDoNotFit(int urlCount, int maxBodyBytes);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Error, Message = "An Akamai purge was asked for, but Purge:Akamai:Host is not set")]
    private partial void LogNotConfigured();

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Purging the whole cache of company {Company} at Akamai: {CpCodeCount} CP code(s), {PurgeAction} on {PurgeNetwork}")]
    private partial void LogSendingCpCodes(string company, int cpCodeCount, string purgeAction, string purgeNetwork);

    /// <summary>One request's result: accepted (receipt and estimate) or the outcome that ends the purge.</summary>
    private readonly record struct PartAnswer(PurgeOutcome? Failure, string? Receipt, int EstimatedSeconds)
    {
        public static PartAnswer Accepted(string receipt, int estimatedSeconds) => new(null, receipt, estimatedSeconds);

        public static PartAnswer Failed(PurgeOutcome outcome) => new(outcome, null, 0);
    }

    /// <summary>The members of Akamai's answers used here: success fields and problem details alike, each optional.</summary>
    private sealed record Answer(string? Title, string? Detail, string? SupportId, string? PurgeId, int? EstimatedSeconds)
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

                return new Answer(
                    Text(root, "title"),
                    Text(root, "detail"),
                    Text(root, "supportId"),
                    Text(root, "purgeId"),
                    root.TryGetProperty("estimatedSeconds", out var seconds) && seconds.TryGetInt32(out var value) ? value : null);
            }
            catch (JsonException)
            {
                return Plain(text);
            }
        }

        /// <summary>A body that is not JSON (a proxy's error page): its start, on one line, as the detail.</summary>
        private static Answer Plain(string text)
        {
            var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return new Answer(null, line.Length > 200 ? line[..200] : line, null, null, null);
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String ? value.GetString() : null;
    }
}
