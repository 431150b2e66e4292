namespace IpsApi.Server.Authentication;

/// <summary>
/// How the JSON API authenticates: a company's API key as <c>Authorization: Bearer &lt;key&gt;</c>
/// (<see cref="ApiKeyAuthenticationHandler"/>), or an IPS user by HTTP Basic through the same
/// <see cref="IpsAuthenticationHandler"/> as SOAP. <see cref="CallerScheme"/> picks one by the Authorization header.
/// Keys are accepted only on endpoints carrying <see cref="KeysAccepted"/>: the SOAP endpoint never asks this scheme,
/// and the key handler answers nothing elsewhere.
/// </summary>
public static class ApiAuthentication
{
    /// <summary>The authorisation policy of the JSON API's endpoints.</summary>
    public const string Policy = "IpsApiCaller";

    /// <summary>The scheme of API keys.</summary>
    public const string KeyScheme = "ApiKey";

    /// <summary>The scheme the API's policy authenticates with: Bearer goes to <see cref="KeyScheme"/>, anything else to the IPS user scheme.</summary>
    public const string CallerScheme = "IpsApiCaller";

    /// <summary>The challenge naming the API key scheme.</summary>
    public const string BearerChallenge = "Bearer realm=\"" + IpsAuthentication.Realm + "\"";

    /// <summary>The challenge answering a key that is not valid (RFC 6750 §3).</summary>
    public const string InvalidKeyChallenge = BearerChallenge + ", error=\"invalid_token\"";

    /// <summary>Endpoint metadata marking an endpoint of the JSON API.</summary>
    public static readonly ApiKeysAcceptedMetadata KeysAccepted = new();

    public static IServiceCollection AddApiAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(KeyScheme, "API key", configureOptions: null)
            .AddPolicyScheme(CallerScheme, "IPS user or API key", options => options.ForwardDefaultSelector = http =>
                ApiKeyAuthenticationHandler.BearerToken(http.Request.Headers.Authorization) is null ? IpsAuthentication.Scheme : KeyScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(CallerScheme).RequireAuthenticatedUser());
        return services;
    }
}
