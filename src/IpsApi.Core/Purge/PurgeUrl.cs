namespace IpsApi.Core.Purge;

/// <summary>
/// An absolute URL split as a cache keys it: the authority (host, maybe a port) and the path with
/// its query, exactly as written (no unescaping or normalisation), without any fragment.
/// </summary>
public readonly record struct PurgeUrl(string Authority, string PathAndQuery)
{
    public static PurgeUrl Parse(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw new FormatException($"Not an absolute URL: {url}");
        }

        var start = schemeEnd + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], start);
        var authority = pathStart < 0 ? url[start..] : url[start..pathStart];
        var rest = pathStart < 0 ? "" : url[pathStart..];
        var fragment = rest.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        return new PurgeUrl(authority, rest.StartsWith('/') ? rest : "/" + rest);
    }
}
