using System.Net.Http.Headers;
using System.Text;

namespace IpsApi.Server.Authentication;

/// <summary>
/// A user name and password as a request presented them, or why what it presented is no credential at all.
/// A protocol that carries credentials in its own envelope (SOAP's authHeader) sets this as a request feature
/// before it authenticates; otherwise the handler reads the HTTP Authorization header.
/// </summary>
public sealed record PresentedCredentials(string User, string Password, string? Problem = null)
{
    public static PresentedCredentials Malformed(string problem) => new("", "", problem);

    /// <summary>HTTP Basic from the Authorization header; null when there is no Basic header at all.</summary>
    public static PresentedCredentials? FromBasicHeader(string? authorizationHeader)
    {
        if (!AuthenticationHeaderValue.TryParse(authorizationHeader, out var authorization)
            || !authorization.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization.Parameter ?? ""));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                return new PresentedCredentials(decoded[..colon], decoded[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        return Malformed("No credentials: the Basic Authorization header is not base64(user:password).");
    }
}
