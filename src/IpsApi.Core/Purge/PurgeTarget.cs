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
        if (schemeEnd <= 0)
        {
            throw new FormatException($"Not an absolute URL: {url}");
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.AsSpan(authorityStart).IndexOfAny('/', '?') is var end and >= 0 ? authorityStart + end : url.Length;
        if (IsCanonical(url, schemeEnd, authorityStart, authorityEnd))
        {
            // Most URLs already are their own target: no copy.
            return url;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var authority = url[authorityStart..authorityEnd].ToLowerInvariant();
        var rest = url[authorityEnd..];
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && authority.LastIndexOf(']') < colon)
        {
            var port = authority[(colon + 1)..];
            if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port.Length == 0)
            {
                authority = authority[..colon];
            }
        }

        return $"{scheme}://{authority}{(rest.StartsWith('/') ? rest : "/" + rest)}";
    }

    /// <summary>Scheme and host in lower case, no default port, and a path that starts with <c>/</c>.</summary>
    private static bool IsCanonical(string url, int schemeEnd, int authorityStart, int authorityEnd)
    {
        var scheme = url.AsSpan(0, schemeEnd);
        var defaultPort = scheme is "https" ? ":443" : scheme is "http" ? ":80" : null;
        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        return defaultPort is not null
            && authorityEnd < url.Length && url[authorityEnd] == '/'
            && !authority.ContainsAnyInRange('A', 'Z')
            && !(authority.EndsWith(defaultPort, StringComparison.Ordinal) && authority.LastIndexOf(']') < authority.LastIndexOf(':'))
            && !authority.EndsWith(':');
    }

    /// <summary>
    /// The batch's targets: stored at accept where some URL of the batch differs from its target; where
    /// none does (most batches) the URLs are the targets and are not stored twice. Batches stored before
    /// targets were get theirs the same way, derived from their URLs.
    /// </summary>
    public static IReadOnlyList<PurgeTarget> Of(NotificationBatch batch) =>
        batch.Targets.Count == batch.Urls.Count
            ? [.. batch.Urls.Select((url, i) => new PurgeTarget(url, batch.Targets[i]))]
            : [.. batch.Urls.Select(Of)];

    /// <summary>
    /// An absolute URI on <paramref name="server"/> whose path and query go on the request line exactly
    /// as given. <see cref="Uri"/> would otherwise rewrite them (<c>%41</c> to <c>A</c>, <c>%7e</c> to <c>~</c>),
    /// and a purge of the rewritten line drops an object nobody requested while the real one stays cached.
    /// </summary>
    public static Uri VerbatimUri(Uri server, string pathAndQuery) =>
        new(server.GetLeftPart(UriPartial.Authority) + pathAndQuery, Verbatim);
}
