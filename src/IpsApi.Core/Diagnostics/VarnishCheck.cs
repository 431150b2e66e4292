using System.Diagnostics;
using System.Security.Cryptography;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Varnish;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Diagnostics;

/// <summary>
/// Each node of <c>Purge:Varnish:Nodes</c> gets what a purge sends it (<c>PURGE</c>, or <c>BAN</c> in ban mode) for a
/// canary path under no company, <c>/__ipsapi_check/&lt;random&gt;</c>, through the purge provider's own HTTP client.
/// Passed only when Varnish itself answers <c>200 Purged</c> (<c>200 Banned</c>). An answer without Varnish's
/// <c>X-Varnish</c> header came from the backend: the VCL pipes the method, and nothing is purged.
/// </summary>
public sealed class VarnishCheck(IHttpClientFactory clients, IOptions<VarnishOptions> options) : IDiagnosticCheck
{
    public const string CanaryPrefix = "/__ipsapi_check/";

    private readonly VarnishOptions options = options.Value;

    public string Name => "varnish";

    public bool IsConfigured => options.Nodes.Count > 0;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(nameof(VarnishPurgeProvider));
        var results = new List<CheckResult>(options.Nodes.Count);
        foreach (var node in options.Nodes)
        {
            results.Add(await CheckNodeAsync(http, node, cancellationToken));
        }

        return results;
    }

    private async Task<CheckResult> CheckNodeAsync(HttpClient http, Uri node, CancellationToken cancellationToken)
    {
        var ban = options.Mode == VarnishPurgeMode.Ban;
        var method = ban ? "BAN" : "PURGE";
        var expected = ban ? "Banned" : "Purged";
        var path = CanaryPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var request = new HttpRequestMessage(new HttpMethod(method), ban ? new Uri(node, "/") : PurgeTarget.VerbatimUri(node, path));
        request.Headers.Host = node.Authority;
        if (ban)
        {
            request.Headers.TryAddWithoutValidation("X-Ban-Url", VarnishPurgeProvider.BanExpression(path));
        }

        var target = node.ToString().TrimEnd('/');
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var elapsed = watch.Elapsed;
            var status = (int)response.StatusCode;
            var answer = $"{status} {CheckText.OneLine(response.ReasonPhrase)}".TrimEnd();
            if (!response.Headers.Contains("X-Varnish"))
            {
                return CheckResult.Fail(Name, target,
                    $"{method} answered {answer} without an X-Varnish header: the backend answered, so the VCL pipes {method} instead of handling it and nothing is purged (see deploy/varnish/default.vcl)",
                    elapsed);
            }

            if (status == 200 && string.Equals(response.ReasonPhrase, expected, StringComparison.OrdinalIgnoreCase))
            {
                return CheckResult.Ok(Name, target, $"{method} answered {answer} {CheckText.Took(elapsed)}", elapsed);
            }

            if (response.IsSuccessStatusCode && !options.RequirePurgedReason)
            {
                return CheckResult.Ok(Name, target, $"{method} answered {answer} {CheckText.Took(elapsed)} (Purge:Varnish:RequirePurgedReason is off)", elapsed);
            }

            var why = status switch
            {
                403 => $"this host is not in the VCL's purgers ACL",
                >= 200 and < 300 => $"the VCL passes {method} to the backend or answers it otherwise, instead of 200 {expected}",
                _ => $"the VCL does not handle {method} (see deploy/varnish/default.vcl)",
            };
            return CheckResult.Fail(Name, target, $"{method} answered {answer}: {why}", elapsed);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail(Name, target, $"{method} got no answer within {options.Timeout.TotalSeconds:0.#} s", watch.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return CheckResult.Fail(Name, target, $"unreachable: {CheckText.OneLine(e.Message)}", watch.Elapsed);
        }
    }
}
