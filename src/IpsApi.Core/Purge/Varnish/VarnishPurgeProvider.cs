using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Varnish;

/// <summary>
/// Purges every URL on every node of <c>Purge:Varnish:Nodes</c>: <c>PURGE path?query</c> (or a
/// lurker-friendly <c>BAN</c> of all query variants, in <see cref="VarnishPurgeMode.Ban"/> mode, or for a
/// URL without a query string of a company that asks for all variants) with <c>Host</c> set to the URL's host, both
/// exactly as in its <see cref="PurgeTarget"/> (the request line is not re-encoded), in
/// parallel up to <see cref="VarnishOptions.Concurrency"/>. A URL counts as purged only when every
/// node purged it. A company's whole cache is one lurker-friendly <c>BAN</c> per publish host and node
/// of everything under the company's root (<see cref="WholeCacheBanExpression"/>).
/// </summary>
public sealed partial class VarnishPurgeProvider(
    HttpClient http,
    IOptions<VarnishOptions> options,
    IOptions<InvalidationOptions> invalidation,
    TimeProvider clock,
    ILogger<VarnishPurgeProvider> logger) : IPurgeProvider
{
    private readonly VarnishOptions options = options.Value;

    public string Name => "varnish";

    public int EstimatedSeconds => 0;

    public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        // A PURGE removes one object, and each query string makes an object of its own: clearing every variant
        // of a path takes a ban on the path's pattern.
        var work = targets
            .SelectMany(target => options.Nodes.Select(node => options.Mode == VarnishPurgeMode.Ban || target.ClearsAllVariants
                ? new Call(node, target.Authority, "/", BanExpression(target.PathAndQuery), target.Url)
                : new Call(node, target.Authority, target.PathAndQuery, null, target.Url)))
            .ToArray();
        var failures = await SendAllAsync(work, cancellationToken);
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

    public string? WholeCacheRefusal(Company company) =>
        options.Nodes.Count == 0 ? $"varnish has no nodes to ban company {company.Handle}'s objects on: set {VarnishOptions.Section}:Nodes"
        : company.PublishHosts.Count == 0 ? $"varnish bans a company's objects host by host, and company {company.Handle} has no publish host: ipsapi company update {company.Handle} --publish-host HOST"
        : null;

    /// <summary>
    /// One <c>BAN</c> per publish host and node of every object under the company's root: the ban matches the
    /// object's host exactly and its path by <see cref="WholeCacheBanExpression"/>, so other companies'
    /// objects on a shared host stay cached. Done only when every node took every host's ban.
    /// </summary>
    public async Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken)
    {
        var subject = WholeCache.Subject(company.Id);
        if (WholeCacheRefusal(company) is { } refusal)
        {
            return PurgeOutcome.Permanent(WholeCache.Failed(company.Id, 0, refusal));
        }

        var expression = WholeCacheBanExpression(company.RootId, invalidation.Value.EffectiveDeliveryPrefixes);
        var work = company.PublishHosts
            .SelectMany(host => options.Nodes.Select(node => new Call(node, host, "/", expression, subject)))
            .ToArray();
        var failures = await SendAllAsync(work, cancellationToken);
        if (failures.IsEmpty)
        {
            LogWholeCacheBanned(logger, company.Handle, company.PublishHosts.Count, options.Nodes.Count);
            return PurgeOutcome.Succeeded($"varnish banned {expression} on {string.Join(", ", company.PublishHosts)}");
        }

        var all = failures.ToList();
        if (all.Any(f => f.Permanent))
        {
            return PurgeOutcome.Permanent([.. all.Where(f => f.Permanent).Select(f => f.Failure)]);
        }

        var retryAfter = all.Max(f => f.RetryAfter);
        return all.All(f => f.RetryAfter is not null && f.Failure.Code == 429) && retryAfter is { } wait
            ? PurgeOutcome.Throttled(wait, all[0].Failure.Reason)
            : PurgeOutcome.Transient([.. all.Select(f => f.Failure)], retryAfter);
    }

    /// <summary>
    /// Every object under the company's root, in any of the delivery prefixes, whatever follows:
    /// <c>(?i)^(?:/is/image/|/is/content/)Root/</c>. Letter case is ignored, as the URL rules ignore it when
    /// they decide that a URL is the company's; roots are unique regardless of case, so no other company's
    /// objects match. The trailing <c>/</c> keeps <c>Root2</c> out of <c>Root</c>'s ban.
    /// </summary>
    public static string WholeCacheBanExpression(string rootId, IReadOnlyList<string> deliveryPrefixes) =>
        "(?i)^(?:" + string.Join('|', deliveryPrefixes.Select(Regex.Escape)) + ")" + Regex.Escape(rootId) + "/";

    /// <summary>Sends every call, at most <see cref="VarnishOptions.Concurrency"/> at once; the failures.</summary>
    private async Task<ConcurrentBag<(UrlFailure Failure, bool Permanent, TimeSpan? RetryAfter)>> SendAllAsync(Call[] work, CancellationToken cancellationToken)
    {
        // Each lane works through every Concurrency-th call in turn: the bound without a shared
        // enumerator or semaphore for the lanes to contend on.
        var failures = new ConcurrentBag<(UrlFailure Failure, bool Permanent, TimeSpan? RetryAfter)>();
        var lanes = Math.Min(options.Concurrency, work.Length);
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
        {
            for (var i = lane; i < work.Length; i += lanes)
            {
                if (await SendAsync(work[i], cancellationToken) is { } failure)
                {
                    failures.Add(failure);
                }
            }
        }));
        return failures;
    }

    private async Task<(UrlFailure, bool, TimeSpan?)?> SendAsync(Call call, CancellationToken cancellationToken)
    {
        var node = call.Node;
        var ban = call.BanExpression is not null;
        using var request = new HttpRequestMessage(new HttpMethod(ban ? "BAN" : "PURGE"), PurgeTarget.VerbatimUri(node, call.PathAndQuery));
        request.Headers.Host = call.Host;
        if (ban)
        {
            request.Headers.TryAddWithoutValidation("X-Ban-Url", call.BanExpression);
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
            LogNodeFailed(logger, node.Authority, call.Subject, reason);
            return (new UrlFailure(call.Subject, code, reason), permanent, retryAfter);
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

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Varnish banned the whole cache of company {Company}: {HostCount} publish host(s) on {NodeCount} node(s)")]
    private static partial void LogWholeCacheBanned(ILogger logger, string company, int hostCount, int nodeCount);

    /// <summary>One request to one node: a <c>PURGE</c> of the path, or a <c>BAN</c> when an expression is given; failures name <paramref name="Subject"/>.</summary>
    private sealed record Call(Uri Node, string Host, string PathAndQuery, string? BanExpression, string Subject);
}
