using IpsApi.Core;
using IpsApi.Server.Authentication;

namespace IpsApi.Server.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The JSON API's settings (<c>Api</c>), its body reader and its authentication.</summary>
    public static IServiceCollection AddIpsJsonApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>()
            .BindSettings(ApiOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ApiRequestBody>();
        services.AddApiAuthentication();
        services.AddIpsApiDocument();
        return services;
    }
}
