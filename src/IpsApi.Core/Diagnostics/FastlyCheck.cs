using System.Diagnostics;
using IpsApi.Core.Purge.Fastly;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Diagnostics;

/// <summary>
/// The Fastly token is accepted: <c>GET /tokens/self</c> with <c>Fastly-Key</c>, as purges send it, through the purge
/// provider's own HTTP client. It purges nothing and costs no purge of the rate limit.
/// </summary>
public sealed class FastlyCheck(IHttpClientFactory clients, IOptions<FastlyOptions> options) : IDiagnosticCheck
{
    public const string TokenPath = "/tokens/self";

    private readonly FastlyOptions options = options.Value;

    public string Name => "fastly";

    public bool IsConfigured => options.IsConfigured;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var target = options.BaseUri.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUri, TokenPath));
        request.Headers.TryAddWithoutValidation("Fastly-Key", options.ApiToken);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(nameof(FastlyPurgeProvider)).SendAsync(request, cancellationToken);
            var elapsed = watch.Elapsed;
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? [CheckResult.Ok(Name, target, $"token accepted: GET {TokenPath} answered {status} {CheckText.Took(elapsed)}", elapsed)]
                : [CheckResult.Fail(Name, target, status is 401 or 403
                    ? $"token refused: GET {TokenPath} answered {status}; check Purge:Fastly:ApiToken"
                    : $"GET {TokenPath} answered {status}", elapsed)];
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
}
