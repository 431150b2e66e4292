using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using IpsApi.Core.Purge.Akamai;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Diagnostics;

/// <summary>
/// The Akamai credentials are accepted: one EdgeGrid-signed call, as purges are signed, to Fast Purge's rate-limit
/// status (<c>POST /ccu/v3/rate-limit-status/url</c>), which purges nothing. A 401 or 403 names what Akamai refused,
/// never the credentials.
/// </summary>
public sealed class AkamaiCheck(IHttpClientFactory clients, IOptions<AkamaiOptions> options, TimeProvider clock) : IDiagnosticCheck
{
    public const string StatusPath = "/ccu/v3/rate-limit-status/url";

    private readonly AkamaiOptions options = options.Value;

    public string Name => "akamai";

    public bool IsConfigured => options.IsConfigured;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(options.EffectiveBaseUri, StatusPath);
        var target = options.EffectiveBaseUri.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("Authorization", EdgeGridSigner.Authorization(
            options.Credentials(),
            "POST",
            uri,
            new Dictionary<string, string>(),
            [],
            [],
            options.MaxSignedBodyBytes,
            EdgeGridSigner.Timestamp(clock.GetUtcNow()),
            Guid.NewGuid().ToString()));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(nameof(AkamaiPurgeProvider)).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var elapsed = watch.Elapsed;
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return [CheckResult.Ok(Name, target, $"credentials accepted: rate-limit status answered {status} {CheckText.Took(elapsed)}", elapsed)];
            }

            var said = Detail(body) is { Length: > 0 } detail ? $" ({detail})" : "";
            return [CheckResult.Fail(Name, target, status switch
            {
                401 => $"credentials refused: {status}{said}; check Purge:Akamai:ClientToken, AccessToken and ClientSecret",
                403 => $"credentials accepted but not allowed to purge: {status}{said}; grant the API client Fast Purge access",
                _ => $"rate-limit status answered {status}{said}",
            }, elapsed)];
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [CheckResult.Fail(Name, target, $"no answer within {options.Timeout.TotalSeconds:0.#} s", watch.Elapsed)];
        }
        catch (HttpRequestException e)
        {
            return [CheckResult.Fail(Name, target, $"unreachable: {CheckText.OneLine(e.Message)}", watch.Elapsed)];
        }
    }

    /// <summary>Akamai's problem <c>detail</c> (or <c>title</c>), when the body is one.</summary>
    private static string? Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && (document.RootElement.TryGetProperty("detail", out var text) || document.RootElement.TryGetProperty("title", out text))
                && text.ValueKind == JsonValueKind.String
                ? CheckText.OneLine(text.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
