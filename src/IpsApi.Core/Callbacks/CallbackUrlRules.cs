namespace IpsApi.Core.Callbacks;

/// <summary>What a callback URL must be: an absolute <c>http</c>/<c>https</c> URL of at most <see cref="MaxLength"/> characters, without user information.</summary>
public static class CallbackUrlRules
{
    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="url"/> is acceptable; otherwise why not, without repeating it (it may carry a token).</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength)
        {
            return $"must be 1 to {MaxLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0 || url.Any(c => c <= ' ' || c >= '\u007f'))
        {
            return "must be an absolute http:// or https:// URL of printable ASCII";
        }

        return uri.UserInfo.Length > 0 ? "must not carry user information (user:password@); put a token in the path or query instead" : null;
    }
}
