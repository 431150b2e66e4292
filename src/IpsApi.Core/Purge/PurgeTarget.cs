using IpsApi.Core.Invalidation;

namespace IpsApi.Core.Purge;

/// <summary>
/// One accepted URL and the object caches key it by: the canonical purge target, decided once at
/// accept and stored with the batch. Scheme and host are lower-cased and a default port
/// (<c>:80</c> for http, <c>:443</c> for https) is dropped, because a browser sends
/// <c>Host: images.example.com</c> for <c>https://IMAGES.EXAMPLE.COM:443/…</c>. The path and query are
/// kept byte for byte: no decoding, no re-encoding (<c>%41</c> stays <c>%41</c>), since a cache keys
/// the request line exactly as it arrived. Every provider sends <see cref="Canonical"/> (or its parts);
/// status replies and logs name <see cref="Url"/>, as the client sent it.
/// </summary>
public sealed record PurgeTarget
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>A target from its stored canonical form.</summary>
    public PurgeTarget(string url, string canonical)
    {
        if (canonical.IndexOf("://", StringComparison.Ordinal) <= 0)
        {
            throw new FormatException($"Not an absolute URL: {canonical}");
        }

        Url = url;
        Canonical = canonical;
    }

    /// <summary>
    /// The company asks for every query variant of the path to be cleared too (<c>Company.AllVariants</c>, Smart
    /// Imaging semantics). Only a tier that can match by pattern honours it (Varnish, with a ban), and only for a
    /// URL without a query string: a URL with one names one variant and is purged exactly.
    /// </summary>
    public bool AllVariants { get; init; }

    /// <summary>Whether a provider that can should clear every query variant of this target's path.</summary>
    public bool ClearsAllVariants => AllVariants && !PathAndQuery.Contains('?', StringComparison.Ordinal);

    /// <summary>The URL as the client sent it.</summary>
    public string Url { get; }

    /// <summary><c>scheme://host[:port]/path?query</c>, as a cache keys it.</summary>
    public string Canonical { get; }

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme => Canonical[..SchemeEnd];

    /// <summary>The lower-case host with its port when it is not the scheme's default: what a browser sends as <c>Host</c>.</summary>
    public string Authority => PathStart < 0 ? Canonical[(SchemeEnd + 3)..] : Canonical[(SchemeEnd + 3)..PathStart];

    /// <summary>The path and query exactly as accepted, from the first <c>/</c>.</summary>
    public string PathAndQuery => PathStart < 0 ? "/" : Canonical[PathStart..];

    // The parts are cut out only when a provider asks: the accept path needs the canonical form alone.
    private int SchemeEnd => Canonical.IndexOf("://", StringComparison.Ordinal);

    private int PathStart => Canonical.IndexOf('/', SchemeEnd + 3);

    /// <summary>The target of a URL that passed <see cref="UrlRules"/>.</summary>
    public static PurgeTarget Of(string url) => new(url, Canonicalize(url));

    /// <summary>
    /// The canonical form of an absolute http(s) URL that passed <see cref="UrlRules"/> (no user
    /// information, no fragment): scheme and host lower case, default port dropped, the rest verbatim.
    /// </summary>
    public static string Canonicalize(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? url.AsSpan(0, schemeEnd) : [];
        var authorityStart = schemeEnd + 3;
        var authorityEnd = schemeEnd > 0 && url.AsSpan(authorityStart).IndexOfAny('/', '?') is var end and >= 0 ? authorityStart + end : url.Length;
        var authority = schemeEnd > 0 ? url.AsSpan(authorityStart, authorityEnd - authorityStart) : [];

        // The same reading of the authority as the URL rules': the host, with its port unless it is the default.
        var host = UrlRules.DefaultPort(scheme) is var defaultPort and > 0 ? UrlRules.HostOf(authority, defaultPort) : [];
        if (host.IsEmpty)
        {
            throw new FormatException($"Not an absolute http or https URL: {url}");
        }

        var hasPath = authorityEnd < url.Length && url[authorityEnd] == '/';
        if (hasPath && host.Length == authority.Length && !scheme.ContainsAnyInRange('A', 'Z') && !host.ContainsAnyInRange('A', 'Z'))
        {
            // Most URLs already are their own target: no copy.
            return url;
        }

        return $"{scheme.ToString().ToLowerInvariant()}://{host.ToString().ToLowerInvariant()}{(hasPath ? "" : "/")}{url.AsSpan(authorityEnd)}";
    }

    /// <summary>
    /// The batch's targets: stored at accept where some URL of the batch differs from its target; where
    /// none does (most batches) the URLs are the targets and are not stored twice. Batches stored before
    /// targets were get theirs the same way, derived from their URLs.
    /// </summary>
    public static IReadOnlyList<PurgeTarget> Of(NotificationBatch batch, bool allVariants = false) =>
        batch.Targets.Count == batch.Urls.Count
            ? [.. batch.Urls.Select((url, i) => new PurgeTarget(url, batch.Targets[i]) { AllVariants = allVariants })]
            : [.. batch.Urls.Select(url => Of(url) with { AllVariants = allVariants })];

    /// <summary>
    /// An absolute URI on <paramref name="server"/> whose path and query go on the request line exactly
    /// as given. <see cref="Uri"/> would otherwise rewrite them (<c>%41</c> to <c>A</c>, <c>%7e</c> to <c>~</c>),
    /// and a purge of the rewritten line drops an object nobody requested while the real one stays cached.
    /// </summary>
    public static Uri VerbatimUri(Uri server, string pathAndQuery) =>
        new(server.GetLeftPart(UriPartial.Authority) + pathAndQuery, Verbatim);
}
