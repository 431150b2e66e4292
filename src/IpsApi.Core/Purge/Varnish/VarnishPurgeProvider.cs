using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Varnish;

/// <summary>
/// Purges every URL on every node of <c>Purge:Varnish:Nodes</c>: <c>PURGE path?query</c> (or a
/// lurker-friendly <c>BAN</c> of all query variants, in <see cref="VarnishPurgeMode.Ban"/> mode, or for a
/// URL without a query string of a company that asks for all variants) with <c>Host</c> set to the URL's host, both
/// exactly as in its <see cref="PurgeTarget"/> (the request line is not re-encoded), in
/// parallel up to <see cref="VarnishOptions.Concurrency"/>. A URL counts as purged only when every
/// node purged it.
/// </summary>
public sealed partial class VarnishPurgeProvider(HttpClient http, IOptions<VarnishOptions> options, TimeProvider clock, ILogger<VarnishPurgeProvider> logger) : IPurgeProvider
{
    private readonly VarnishOptions options = options.Value;

    public string Name => "varnish";

    public int EstimatedSeconds => 0;

    public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        // Each lane works through every Concurrency-th (URL, node) pair in turn: the bound without a
        // shared enumerator or semaphore for the lanes to contend on.
        var work = targets.SelectMany(target => options.Nodes.Select(node => (target, node))).ToArray();
        var failures = new ConcurrentBag<(UrlFailure Failure, bool Permanent, TimeSpan? RetryAfter)>();
        var lanes = Math.Min(options.Concurrency, work.Length);
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
        {
            for (var i = lane; i < work.Length; i += lanes)
            {
                if (await PurgeOneAsync(work[i].target, work[i].node, cancellationToken) is { } failure)
                {
                    failures.Add(failure);
                }
            }
        }));

        if (failures.IsEmpty)
        {
            return PurgeOutcome.Succeeded();
        }

        var byUrl = failures.GroupBy(f => f.Failure.Url)
            .Select(g => g.OrderByDescending(f => f.Permanent).First())
            .ToList();
        var permanent = byUrl.Where(f => f.Permanent).ToList();
        if (permanent.Count > 0)
        {
            return PurgeOutcome.Permanent([.. permanent.Select(f => f.Failure)]);
        }

        var throttledOnly = byUrl.All(f => f.RetryAfter is not null && f.Failure.Code == 429);
        var retryAfter = byUrl.Max(f => f.RetryAfter);
        return throttledOnly && retryAfter is { } wait
            ? PurgeOutcome.Throttled(wait, byUrl[0].Failure.Reason)
            : PurgeOutcome.Transient([.. byUrl.Select(f => f.Failure)], retryAfter);
    }

    private async Task<(UrlFailure, bool, TimeSpan?)?> PurgeOneAsync(PurgeTarget target, Uri node, CancellationToken cancellationToken)
    {
        // A PURGE removes one object, and each query string makes an object of its own: clearing every variant
        // of a path takes a ban on the path's pattern.
        var ban = options.Mode == VarnishPurgeMode.Ban || target.ClearsAllVariants;
        using var request = new HttpRequestMessage(new HttpMethod(ban ? "BAN" : "PURGE"), PurgeTarget.VerbatimUri(node, ban ? "/" : target.PathAndQuery));
        request.Headers.Host = target.Authority;
        if (ban)
        {
            request.Headers.TryAddWithoutValidation("X-Ban-Url", BanExpression(target.PathAndQuery));
        }

        try
        {
            // The client's Timeout is Purge:Varnish:Timeout.
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var reason = response.ReasonPhrase ?? "";
            if (response.IsSuccessStatusCode)
            {
                if (!options.RequirePurgedReason || reason.Equals(ban ? "Banned" : "Purged", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                return Failed(status, $"{node.Authority} answered {status} {reason} instead of {(ban ? "Banned" : "Purged")}: its VCL does not handle {request.Method} (see deploy/varnish/default.vcl)", permanent: true);
            }

            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - clock.GetUtcNow(),
                _ => (TimeSpan?)null,
            };
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return Failed(status, $"{node.Authority} answered 429 {reason}", permanent: false, retryAfter ?? TimeSpan.FromSeconds(1));
            }

            var permanent = status is >= 400 and < 500 and not 408;
            return Failed(status, $"{node.Authority} answered {status} {reason}", permanent, retryAfter);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(0, $"{node.Authority} did not answer within {options.Timeout.TotalSeconds:0.#} s", permanent: false);
        }
        catch (HttpRequestException e)
        {
            return Failed(0, $"{node.Authority} unreachable: {e.Message}", permanent: false);
        }

        (UrlFailure, bool, TimeSpan?) Failed(int code, string reason, bool permanent, TimeSpan? retryAfter = null)
        {
            LogNodeFailed(logger, node.Authority, target.Url, reason);
            return (new UrlFailure(target.Url, code, reason), permanent, retryAfter);
        }
    }

    /// <summary>The path and every query variant of it: <c>^/a/b\.jpg(\?|$)</c>. The query, if any, is ignored.</summary>
    public static string BanExpression(string pathAndQuery)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        return "^" + Regex.Escape(path) + @"(\?|$)";
    }

    [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "Varnish node {Node} did not purge {Url}: {Reason}")]
    private static partial void LogNodeFailed(ILogger logger, string node, string url, string reason);
}
