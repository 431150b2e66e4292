using IpsApi.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;

// The folder is Console/; the namespace says WebConsole because a namespace IpsApi.Server.Console would hide
// System.Console from every other namespace of the server (the command line writes to it).
namespace IpsApi.Server.WebConsole;

/// <summary>
/// The web console under <c>/console</c>: server-rendered Razor Pages. Razor Pages rather than Razor components:
/// every page here is a plain request and response (a form posts, the server answers with the next page), which is
/// what Razor Pages are made of, with model binding, antiforgery validation on every POST and the form tag helper's
/// token built in; the pages work without script, and the one small script only adds local times and a quiet
/// refresh. No SPA build chain and nothing from another host: the style sheet and the script are embedded in the
/// server (<see cref="ConsoleAssets"/>).
/// </summary>
public static class IpsConsole
{
    public const string Path = "/console";

    public const string SignInPath = "/console/signin";

    public static IServiceCollection AddIpsConsole(this IServiceCollection services)
    {
        services.AddScoped<ConsoleSignIn>();

        // Session cookies and antiforgery tokens are protected with keys kept in the store (not the home
        // directory): every node accepts what another issued, and a restart signs nobody out.
        services.AddDataProtection()
            .SetApplicationName("IpsApi")
            .PersistKeysToDbContext<IpsDbContext>();
        services.AddAuthentication()
            .AddCookie(ConsoleAuthentication.Scheme, "IpsApi console", options =>
            {
                options.Cookie.Name = ConsoleAuthentication.CookieName;
                options.Cookie.Path = Path;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = ConsoleAuthentication.IdleTimeout;
                options.SlidingExpiration = true;
                options.LoginPath = SignInPath;
                options.AccessDeniedPath = SignInPath;
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnValidatePrincipal = ConsoleSession.ValidateAsync;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuthentication.Policy, policy => policy.AddAuthenticationSchemes(ConsoleAuthentication.Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ConsoleAuthentication.AntiforgeryCookieName;
            options.Cookie.Path = Path;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Console/Pages";
                options.Conventions.AuthorizeFolder("/", ConsoleAuthentication.Policy);
                options.Conventions.AllowAnonymousToPage("/SignIn");
            })
            .AddApplicationPart(typeof(IpsConsole).Assembly);
        return services;
    }

    /// <summary>
    /// The console's headers on every response under <c>/console</c>, then authentication and authorisation for
    /// the whole host, placed here (after the forwarded headers) so that a session cookie is marked Secure when the
    /// client reached a TLS proxy, and before every endpoint, so that a refusal carries the console's headers too.
    /// </summary>
    public static WebApplication UseIpsConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase),
            console => console.UseMiddleware<ConsoleSecurityHeaders>());
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapIpsConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        app.MapConsoleAssets();
        return app;
    }
}
