using System.Net;
using System.Security.Cryptography;
using System.Text;
using IpsApi.Core.Metrics;
using Microsoft.Net.Http.Headers;

namespace IpsApi.Server.Metrics;

/// <summary>
/// Who gets an answer from <c>GET /metrics</c> on <c>ipsapi serve</c>. With <c>Metrics:Urls</c>, only connections to those
/// listeners (the server's own port answers 404, as for any unknown path). Without, only loopback callers (the client
/// address as a trusted proxy gave it, see <c>ForwardedHeaders</c>): anyone else gets 404. With <c>Metrics:User</c> and
/// <c>Metrics:Password</c>, any caller may scrape who presents them with HTTP Basic, and every caller must: 401 otherwise.
/// </summary>
public sealed class MetricsAccess
{
    private readonly HashSet<int> ports;
    private readonly byte[]? expected;

    public MetricsAccess(MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ports = [.. options.ListenUrls.Select(url => new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)).Port)];
        expected = options.RequiresCredentials ? Encoding.UTF8.GetBytes($"{options.User}:{options.Password}") : null;
    }

    /// <summary>True for a connection that arrived at one of <c>Metrics:Urls</c>' listeners.</summary>
    public bool IsMetricsListener(HttpContext http) => ports.Count > 0 && ports.Contains(http.Connection.LocalPort);

    /// <summary>Whether the scrape endpoint takes this request (then it may still ask for credentials); otherwise it goes on to a 404.</summary>
    public bool Serves(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!HttpMethods.IsGet(http.Request.Method) || !http.Request.Path.Equals(MetricsExport.Path, StringComparison.Ordinal))
        {
            return false;
        }

        if (ports.Count > 0)
        {
            return IsMetricsListener(http);
        }

        return expected is not null || http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
    }

    /// <summary>True when no credentials are configured, or the request presents them.</summary>
    public bool Authorize(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (expected is null)
        {
            return true;
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(header[scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    public Task ChallengeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"metrics\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }
}
