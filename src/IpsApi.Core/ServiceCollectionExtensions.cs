using IpsApi.Core.Callbacks;
using IpsApi.Core.Companies;
using IpsApi.Core.Diagnostics;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Mail;
using IpsApi.Core.Metrics;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Core.Retention;
using IpsApi.Core.Usage;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the store, credential checks, the invalidation service, the purge queue and providers, the follow-up job queue, confirmation mail, completion callbacks, retention, the checks of <c>ipsapi check</c> and the metrics.</summary>
    public static IServiceCollection AddIpsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIpsPersistence(configuration);
        services.AddIpsPurge();
        services.AddIpsJobs();
        services.AddIpsMail();
        services.AddIpsCallbacks();
        services.AddIpsDiagnostics();
        services.AddIpsRetention();
        services.AddIpsMetrics();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<VerifiedCredentialCache>();
        services.AddSingleton<CompanyCache>();
        services.AddScoped<CredentialVerifier>();
        services.AddScoped<LoginThrottle>();
        services.AddSingleton<AuthFailureSweep>();
        services.AddSingleton<PasswordHashGate>();
        services.AddSingleton<KnownLocks>();
        services.AddSingleton<SaturatedKeys>();
        services.AddSingleton<RefusalPacer>();
        services.AddOptions<LoginThrottleOptions>()
            .BindSettings(LoginThrottleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<InvalidationService>();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<PostgresIdBlocks>();
        services.AddSingleton<IRequestWriter>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresRequestWriter>(sp)
            : ActivatorUtilities.CreateInstance<EntityRequestWriter>(sp));
        services.AddScoped<Companies.CompanySettings>();
        services.AddScoped<Templates.TemplateService>();
        services.AddScoped<Hooks.AssetVersionHook>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<ApiKeys.ApiKeyRegistry>();
        services.AddScoped<ApiKeys.ApiKeyVerifier>();
        services.AddScoped<InvalidationLog.InvalidationLogReader>();
        services.AddScoped<InvalidationLog.CompanyInvalidationLog>();
        services.AddScoped<Audit.AuditReader>();
        services.AddScoped<UsageRules>();
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<QueueView.QueueInspector>();
        services.AddOptions<InvalidationOptions>()
            .BindSettings(InvalidationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
