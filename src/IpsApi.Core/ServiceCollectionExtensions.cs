using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Mail;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Core.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the store, credential checks, the invalidation service, the queue, the purge providers and confirmation mail.</summary>
    public static IServiceCollection AddIpsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIpsPersistence(configuration);
        services.AddIpsPurge();
        services.AddIpsMail();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<VerifiedCredentialCache>();
        services.AddSingleton<CompanyCache>();
        services.AddScoped<CredentialVerifier>();
        services.AddScoped<InvalidationService>();
        services.AddScoped<DatabaseMigrator>();
        services.AddOptions<InvalidationOptions>()
            .BindSettings(InvalidationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
