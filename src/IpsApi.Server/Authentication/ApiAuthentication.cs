namespace IpsApi.Server.Authentication;

/// <summary>
/// How the JSON API authenticates: an IPS user by HTTP Basic, through the same <see cref="IpsAuthenticationHandler"/>
/// as SOAP. Endpoints carrying <see cref="KeysAccepted"/> are the JSON API's.
/// </summary>
public static class ApiAuthentication
{
    /// <summary>The authorisation policy of the JSON API's endpoints.</summary>
    public const string Policy = "IpsApiCaller";

    /// <summary>Endpoint metadata marking an endpoint of the JSON API.</summary>
    public static readonly ApiKeysAcceptedMetadata KeysAccepted = new();

    public static IServiceCollection AddApiAuthentication(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(IpsAuthentication.Scheme).RequireAuthenticatedUser());
        return services;
    }
}
