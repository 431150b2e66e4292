using System.Globalization;
using System.Text;
using IpsApi.Core.Companies;
using IpsApi.Core.Purge;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Decides whether each URL of a request belongs to the company (spec §5): an absolute http(s)
/// URL of printable ASCII, at most 2048 characters, on one of the company's publish hosts, whose
/// path is a delivery prefix followed by the company root and <c>/</c>, with no fragment, user
/// information or dot segment. Query strings are kept: they are distinct cache entries.
/// A URL is accepted only in a form the providers can send exactly as a browser requests it
/// (RFC 3986 characters, well-formed percent-encoding), so that it is never altered on the way.
/// </summary>
public static class UrlRules
{
    /// <summary>How many problems a fault reason lists before it only counts the rest.</summary>
    public const int ProblemsListed = 20;

    private const int UrlShownChars = 120;

    /// <summary>
    /// Checks every URL; returns the problems (empty when all pass) and, in order, the purge target of
    /// each distinct object: URLs naming the same object (<c>IMAGES.example.com</c> and
    /// <c>images.example.com:443</c>) collapse into the first one sent.
    /// </summary>
    public static (IReadOnlyList<UrlProblem> Problems, IReadOnlyList<PurgeTarget> Distinct) Check(
        IReadOnlyList<string?> urls, Company company, IReadOnlyList<string> deliveryPrefixes)
    {
        var problems = new List<UrlProblem>();
        var distinct = new List<PurgeTarget>(urls.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < urls.Count; i++)
        {
            var url = urls[i] ?? "";
            var why = Why(url, company, deliveryPrefixes);
            if (why is not null)
            {
                problems.Add(new UrlProblem(i + 1, url, why));
            }
            else if (problems.Count == 0 && PurgeTarget.Of(url) is var target && seen.Add(target.Canonical))
            {
                distinct.Add(target);
            }
        }

        return (problems, distinct);
    }

    /// <summary>
    /// The reason of the 30001 fault: each offending URL by position and why, capped; <paramref name="originOf"/>
    /// names where a URL at a position came from (a template line and asset), or gives null to say nothing.
    /// </summary>
    public static string Describe(IReadOnlyList<UrlProblem> problems, int total, Func<int, string?>? originOf = null)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Some URLs are not defined correctly. Correct and resubmit. {problems.Count} of {total} URLs refused; nothing was invalidated.");
        foreach (var problem in problems.Take(ProblemsListed))
        {
            var origin = originOf?.Invoke(problem.Position) is { } from ? $" ({from})" : "";
            text.Append(CultureInfo.InvariantCulture, $" URL {problem.Position} '{Shown(problem.Url)}'{origin}: {problem.Why}.");
        }

        if (problems.Count > ProblemsListed)
        {
            text.Append(CultureInfo.InvariantCulture, $" ... and {problems.Count - ProblemsListed} more.");
        }

        return text.ToString();
    }

    /// <summary>Null when the URL passes, else why not.</summary>
    public static string? Why(string url, Company company, IReadOnlyList<string> deliveryPrefixes)
    {
        if (url.Length == 0)
        {
            return "it is empty";
        }

        if (url.Length > InvalidationOptions.MaxUrlLength)
        {
            return $"it is {url.Length} characters long, at most {InvalidationOptions.MaxUrlLength} are allowed";
        }

        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c <= ' ' || c == '\u007f')
            {
                return $"it contains whitespace or a control character at position {i + 1}";
            }

            if (c > '\u007f')
            {
                return $"it contains a non-ASCII character at position {i + 1} (percent-encode it)";
            }
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !char.IsAsciiLetter(url[0]))
        {
            return "it is not an absolute URL";
        }

        var scheme = url.AsSpan(0, schemeEnd);
        var defaultPort = DefaultPort(scheme);
        if (defaultPort == 0)
        {
            return $"the scheme is '{scheme.ToString().ToLowerInvariant()}', only http and https are allowed";
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "it has a fragment (#)";
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.AsSpan(authorityStart).IndexOfAny('/', '?');
        var authority = authorityEnd < 0 ? url.AsSpan(authorityStart) : url.AsSpan(authorityStart, authorityEnd);
        if (authority.Contains('@'))
        {
            return "it carries user information before the host";
        }

        var host = HostOf(authority, defaultPort);
        if (host.IsEmpty)
        {
            return "it is not an absolute URL (no valid host or port)";
        }

        if (!IsPublishHost(company, host))
        {
            return $"host '{host.ToString().ToLowerInvariant()}' is not a publish host of company {company.Handle}";
        }

        if (url.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash";
        }

        if (NotSentAsIs(url) is { } notSentAsIs)
        {
            return notSentAsIs;
        }

        var path = RawPath(url, authorityStart + authority.Length);
        if (HasEncodedSlash(path))
        {
            return "its path has an encoded slash or backslash";
        }

        if (HasDotSegment(path))
        {
            return "its path has a '.' or '..' segment";
        }

        foreach (var prefix in deliveryPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && path[prefix.Length..].StartsWith(company.RootId, StringComparison.OrdinalIgnoreCase)
                && path[(prefix.Length + company.RootId.Length)..].StartsWith('/'))
            {
                return null;
            }
        }

        return $"its path is not under {string.Join(" or ", deliveryPrefixes.Select(p => p + company.RootId + "/"))}";
    }

    /// <summary>
    /// Why the URL is not in the form a browser puts on the request line, or null. Browsers
    /// percent-encode <c>"</c>, <c>&lt;</c>, <c>&gt;</c>, <c>`</c>, <c>{</c>, <c>}</c> (and some <c>|</c>, <c>^</c>),
    /// so a purge of the raw character would drop an object nobody requested; a <c>%</c> that starts
    /// no <c>%XX</c> byte is refused for the same reason, and because CDN APIs reject it.
    /// </summary>
    private static string? NotSentAsIs(string url)
    {
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c is '"' or '<' or '>' or '^' or '`' or '{' or '|' or '}')
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"it contains '{c}' at position {i + 1}, which is not allowed in a URL: send it percent-encoded (%{(int)c:X2}), as browsers request it");
            }

            if (c == '%' && (i + 2 >= url.Length || !char.IsAsciiHexDigit(url[i + 1]) || !char.IsAsciiHexDigit(url[i + 2])))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the '%' at position {i + 1} does not start a percent-encoded byte (%XX): write a literal '%' as %25");
            }
        }

        return null;
    }

    /// <summary>443 for https, 80 for http (in any case), 0 for any other scheme.</summary>
    internal static int DefaultPort(ReadOnlySpan<char> scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
        : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80
        : 0;

    /// <summary>
    /// The host as written, with the port only when it is not the scheme's default (the form publish
    /// hosts are stored in, and purge targets use); empty when the authority has no host or a bad port.
    /// </summary>
    internal static ReadOnlySpan<char> HostOf(ReadOnlySpan<char> authority, int defaultPort)
    {
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && authority.LastIndexOf(']') < colon)
        {
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return [];
            }

            if (port == defaultPort)
            {
                authority = authority[..colon];
            }
        }

        if (authority.IsEmpty || authority[0] == ':')
        {
            return [];
        }

        foreach (var c in authority)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ':' or '[' or ']' or '_'))
            {
                return [];
            }
        }

        return authority;
    }

    private static bool IsPublishHost(Company company, ReadOnlySpan<char> host)
    {
        foreach (var publishHost in company.PublishHosts)
        {
            if (host.Equals(publishHost, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path as written (not unescaped or normalised): between the authority and '?'.</summary>
    private static ReadOnlySpan<char> RawPath(string url, int pathStart)
    {
        if (pathStart >= url.Length || url[pathStart] == '?')
        {
            return "/";
        }

        var query = url.IndexOf('?', pathStart);
        return query < 0 ? url.AsSpan(pathStart) : url.AsSpan(pathStart, query - pathStart);
    }

    /// <summary><c>%2f</c> or <c>%5c</c> in any case.</summary>
    private static bool HasEncodedSlash(ReadOnlySpan<char> path)
    {
        for (var i = 0; i + 2 < path.Length; i++)
        {
            if (path[i] == '%' && ((path[i + 1] == '2' && (path[i + 2] | 0x20) == 'f') || (path[i + 1] == '5' && (path[i + 2] | 0x20) == 'c')))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or ".." || IsEncodedDots(segment))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A segment of one or two dots where some are written <c>%2e</c>.</summary>
    private static bool IsEncodedDots(ReadOnlySpan<char> segment)
    {
        var dots = 0;
        while (!segment.IsEmpty)
        {
            if (segment[0] == '.')
            {
                segment = segment[1..];
            }
            else if (segment.Length >= 3 && segment[0] == '%' && segment[1] == '2' && (segment[2] | 0x20) == 'e')
            {
                segment = segment[3..];
            }
            else
            {
                return false;
            }

            dots++;
        }

        return dots is 1 or 2;
    }

    private static string Shown(string url) => url.Length <= UrlShownChars ? url : url[..UrlShownChars] + "...";
}
