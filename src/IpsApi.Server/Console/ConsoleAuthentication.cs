namespace IpsApi.Server.WebConsole;

/// <summary>
/// The console's own cookie session: a scheme apart from the IPS handler's (which checks credentials on every
/// request), so a console cookie never authenticates a SOAP or JSON call and an API password never opens a page.
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = "IpsConsole";

    /// <summary>The authorisation policy of every console page but sign-in: a user signed in through <see cref="Scheme"/>.</summary>
    public const string Policy = "IpsConsoleUser";

    public const string CookieName = "ipsapi-console";

    public const string AntiforgeryCookieName = "ipsapi-console-af";

    /// <summary>How long a session lasts without a request; each request in its second half renews it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
}
