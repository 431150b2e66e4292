using System.Globalization;
using System.Text;
using IpsApi.Core.Companies;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Decides whether each URL of a request belongs to the company (spec §5): an absolute http(s)
/// URL of printable ASCII, at most 2048 characters, on one of the company's publish hosts, whose
/// path is a delivery prefix followed by the company root and <c>/</c>, with no fragment, user
/// information or dot segment. Query strings are kept: they are distinct cache entries.
/// </summary>
public static class UrlRules
{
    /// <summary>How many problems a fault reason lists before it only counts the rest.</summary>
    public const int ProblemsListed = 20;

    private const int UrlShownChars = 120;

    /// <summary>Checks every URL; returns the problems (empty when all pass) and the distinct URLs in order.</summary>
    public static (IReadOnlyList<UrlProblem> Problems, IReadOnlyList<string> Distinct) Check(
        IReadOnlyList<string?> urls, Company company, IReadOnlyList<string> deliveryPrefixes)
    {
        var problems = new List<UrlProblem>();
        var distinct = new List<string>(urls.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < urls.Count; i++)
        {
            var url = urls[i] ?? "";
            var why = Why(url, company, deliveryPrefixes);
            if (why is not null)
            {
                problems.Add(new UrlProblem(i + 1, url, why));
            }
            else if (seen.Add(url))
            {
                distinct.Add(url);
            }
        }

        return (problems, distinct);
    }

    /// <summary>The reason of the 30001 fault: each offending URL by position and why, capped.</summary>
    public static string Describe(IReadOnlyList<UrlProblem> problems, int total)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Some URLs are not defined correctly. Correct and resubmit. {problems.Count} of {total} URLs refused; nothing was invalidated.");
        foreach (var problem in problems.Take(ProblemsListed))
        {
            text.Append(CultureInfo.InvariantCulture, $" URL {problem.Position} '{Shown(problem.Url)}': {problem.Why}.");
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

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            return "it is not an absolute URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"the scheme is '{uri.Scheme}', only http and https are allowed";
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "it has a fragment (#)";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "it carries user information before the host";
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        if (!company.PublishHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return $"host '{host}' is not a publish host of company {company.Handle}";
        }

        if (url.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash";
        }

        var path = RawPath(url);
        if (path.Contains("%2f", StringComparison.OrdinalIgnoreCase) || path.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            return "its path has an encoded slash or backslash";
        }

        if (HasDotSegment(path))
        {
            return "its path has a '.' or '..' segment";
        }

        foreach (var prefix in deliveryPrefixes)
        {
            var under = prefix + company.RootId + "/";
            if (path.StartsWith(under, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return $"its path is not under {string.Join(" or ", deliveryPrefixes.Select(p => p + company.RootId + "/"))}";
    }

    /// <summary>The path as written (not unescaped or normalised): between the authority and '?'.</summary>
    private static string RawPath(string url)
    {
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOfAny(['/', '?'], afterScheme);
        if (pathStart < 0 || url[pathStart] == '?')
        {
            return "/";
        }

        var query = url.IndexOf('?', pathStart);
        return query < 0 ? url[pathStart..] : url[pathStart..query];
    }

    private static bool HasDotSegment(string path)
    {
        foreach (var segment in path.Split('/'))
        {
            var decoded = segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
            if (decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    private static string Shown(string url) => url.Length <= UrlShownChars ? url : url[..UrlShownChars] + "...";
}
