using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Callbacks;

/// <summary>
/// Delivers a completion callback: one signed JSON <c>POST</c> to the company's callback URL per attempt.
/// A 2xx answer delivers it; <c>410 Gone</c> ends it for good (the receiver wants no more); anything else
/// (another status, a timeout, a refused connection) is retried on the job queue's schedule, no sooner than
/// a <c>Retry-After</c> asks. Redirects are not followed. Neither the secret nor the signature reaches a log
/// or a stored reason; the URL is named by its scheme, host and port only, as its path or query may hold a token.
/// </summary>
public sealed partial class CallbackJobHandler(
    IHttpClientFactory httpClients,
    IOptions<CallbackOptions> options,
    TimeProvider clock,
    ILogger<CallbackJobHandler> logger) : IJobHandler
{
    /// <summary>The named <see cref="HttpClient"/> callbacks are posted with.</summary>
    public const string HttpClientName = "callbacks";

    public const string DeliveryHeader = "X-IpsApi-Delivery";

    /// <summary>The most of a refusal's body read for its reason.</summary>
    private const int ExcerptBytes = 4096;

    /// <summary>The most of that excerpt kept in the reason.</summary>
    private const int ReasonLimit = 300;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CallbackOptions settings = options.Value;

    public string Kind => FollowUpKinds.Callback;

    /// <summary>Attempts are bounded by time (<see cref="CallbackOptions.GiveUpAfter"/>), not by count.</summary>
    public JobSchedule Schedule => new(int.MaxValue, settings.RetryBaseDelay, settings.RetryMaxDelay, settings.GiveUpAfter);

    public async Task<JobOutcome> RunAsync(Job job, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (CallbackPayload.DeliveryId(job.Payload) is not { } deliveryId || job.RequestId is not { } requestId)
        {
            return JobOutcome.Fail("the job names no delivery id or request");
        }

        var db = services.GetRequiredService<IpsDbContext>();
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == job.CompanyId, cancellationToken);
        if (company?.CallbackUrl is not { } url)
        {
            return JobOutcome.Skip("the company has no callback URL any more");
        }

        if (string.IsNullOrEmpty(company.CallbackSecret) || !Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            return JobOutcome.Fail($"company {company.Handle} has no callback secret or no usable callback URL: set them with 'ipsapi company callback {company.Handle} --url URL'");
        }

        var body = await CallbackBody.ReadAsync(db, requestId, company, deliveryId, cancellationToken);
        if (body is null)
        {
            return JobOutcome.Fail($"request {requestId} no longer exists");
        }

        return await PostAsync(target, company.CallbackSecret, deliveryId, JsonSerializer.SerializeToUtf8Bytes(body, Json), cancellationToken);
    }

    private async Task<JobOutcome> PostAsync(Uri target, string secret, Guid deliveryId, byte[] body, CancellationToken cancellationToken)
    {
        var origin = $"{target.Scheme}://{target.Authority}";
        var signature = CallbackSignature.Header(secret, clock.GetUtcNow().ToUnixTimeSeconds(), body);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(CallbackSignature.HeaderName, signature);
        request.Headers.TryAddWithoutValidation(DeliveryHeader, deliveryId.ToString("D"));
        request.Headers.TryAddWithoutValidation("User-Agent", "IpsApi");

        LogPosting(logger, deliveryId, origin, body.Length);
        using var deadline = new CancellationTokenSource(settings.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return JobOutcome.Done($"delivered: HTTP {status.ToString(CultureInfo.InvariantCulture)}");
            }

            var excerpt = await ExcerptAsync(response, linked.Token);
            var reason = $"{origin} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd()
                + (excerpt.Length > 0 ? ": " + Redact(excerpt, signature, secret) : "");
            return response.StatusCode == HttpStatusCode.Gone
                ? JobOutcome.Fail(reason + "; 410 Gone stops the deliveries")
                : JobOutcome.Retry(reason, RetryAfter(response.Headers));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return JobOutcome.Retry($"{origin} did not answer within Callbacks:Timeout {settings.Timeout}");
        }
        catch (HttpRequestException e)
        {
            return JobOutcome.Retry($"{origin}: {OneLine(e.InnerException?.Message ?? e.Message)}");
        }
    }

    /// <summary>The start of a refusal's body, one line: read at most <see cref="ExcerptBytes"/>, keep at most <see cref="ReasonLimit"/> characters.</summary>
    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ExcerptBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        var text = OneLine(Encoding.UTF8.GetString(buffer, 0, filled));
        return text.Length <= ReasonLimit ? text : text[..(ReasonLimit - 1)] + "…";
    }

    /// <summary>A <c>Retry-After</c> (seconds or a date), honoured up to <see cref="CallbackOptions.RetryMaxDelay"/>.</summary>
    private TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        var asked = headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - clock.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return asked is null ? null : TimeSpan.FromTicks(Math.Clamp(asked.Value.Ticks, 0, settings.RetryMaxDelay.Ticks));
    }

    /// <summary>A receiver that echoes the request must not carry the signature (or the secret) into a log.</summary>
    private static string Redact(string text, string signature, string secret) =>
        text.Replace(signature, "***", StringComparison.Ordinal).Replace(secret, "***", StringComparison.Ordinal);

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [LoggerMessage(EventId = 4600, Level = LogLevel.Debug, Message = "Posting callback delivery {DeliveryId} to {Origin}: {BodyBytes} bytes")]
    private static partial void LogPosting(ILogger logger, Guid deliveryId, string origin, int bodyBytes);
}
