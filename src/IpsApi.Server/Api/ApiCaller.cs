using IpsApi.Core.Users;
using IpsApi.Server.Authentication;

namespace IpsApi.Server.Api;

/// <summary>The caller of an API request, as the audit record keeps it: the authenticated user or key, the client's User-Agent, and its address.</summary>
public static class ApiCaller
{
    public static Caller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = IpsClaims.ToUser(http.User)
            ?? throw new InvalidOperationException("An API endpoint ran without an authenticated caller; its group requires one.");
        string? agent = http.Request.Headers.UserAgent;
        return new Caller(user, string.IsNullOrEmpty(agent) ? "api" : agent, null, http.Connection.RemoteIpAddress?.ToString());
    }
}
