using Microsoft.AspNetCore.Authentication;

namespace IpsApi.Server.Authentication;

/// <summary>
/// The one way every protocol of IpsApi learns who is calling: the <see cref="IpsAuthenticationHandler"/>. It is
/// deliberately not the default scheme, so <c>UseAuthentication</c> runs no password check for a request that has
/// not asked for one: the SOAP guard authenticates after it has read the envelope (its credentials may be in it),
/// and an HTTP endpoint asks through <see cref="Policy"/>.
/// </summary>
public static class IpsAuthentication
{
    public const string Scheme = "Ips";

    /// <summary>The authorisation policy of an endpoint that requires an IPS user: authenticated by <see cref="Scheme"/>.</summary>
    public const string Policy = "IpsUser";

    /// <summary>The realm of the Basic challenge, as IPS clients have always been told it.</summary>
    public const string Realm = "IpsApi";

    public const string BasicChallenge = "Basic realm=\"" + Realm + "\"";

    private const string SuppressAutoDefaultScheme = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    public static IServiceCollection AddIpsAuthentication(this IServiceCollection services)
    {
        // A lone scheme would otherwise become the default by itself, and the authentication middleware the web
        // host adds would check every request's password before the SOAP guard could give it the envelope's
        // (the result is kept for the request, so the envelope's would never be looked at).
        AppContext.SetSwitch(SuppressAutoDefaultScheme, isEnabled: true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, IpsAuthenticationHandler>(Scheme, "IPS user", configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}
