using IpsApi.Core.Users;
using IpsApi.Server.Authentication;

namespace IpsApi.Server.WebConsole;

/// <summary>The signed-in console user as the core's rules take a caller: the application is the console itself.</summary>
public static class ConsoleCaller
{
    public const string AppName = "ipsapi-console";

    public static Caller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = IpsClaims.ToUser(http.User)
            ?? throw new InvalidOperationException("A console page ran without a signed-in user; its folder must require the console policy.");
        return new Caller(user, AppName, null, http.Connection.RemoteIpAddress?.ToString());
    }
}
