using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Akamai;
using IpsApi.Core.Purge.Fastly;
using IpsApi.Core.Purge.Log;
using IpsApi.Core.Purge.Queue;
using IpsApi.Core.Purge.Varnish;
using IpsApi.Core.Purge.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IpsApi.Core.Purge;

public static class PurgeServiceCollectionExtensions
{
    /// <summary>The queue, the providers and the routing; what both the API and the workers need.</summary>
    public static IServiceCollection AddIpsPurge(this IServiceCollection services)
    {
        services.AddOptions<PurgeOptions>()
            .BindSettings(PurgeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PurgeRouting>();
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<IBacklogReader, StoreBacklogReader>();
        services.AddSingleton<BacklogEstimator>();
        services.TryAddSingleton<Budget.RateBudget>();
        services.AddScoped<BatchQueue>();
        services.AddScoped<BatchProcessor>();

        services.AddSingleton<LogPurgeProvider>();
        services.AddSingleton<IPurgeProvider>(sp => sp.GetRequiredService<LogPurgeProvider>());

        services.AddOptions<VarnishOptions>()
            .BindSettings(VarnishOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<VarnishOptions>, VarnishOptionsValidator>());
        services.AddHttpClient<VarnishPurgeProvider>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 256,
                UseProxy = false,
                AllowAutoRedirect = false,
            })
            .ConfigureHttpClient((sp, http) => http.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VarnishOptions>>().Value.Timeout)
            // Thousands of purges a second: the factory's per-request log scopes cost more than the purge; failures are logged by the provider.
            .RemoveAllLoggers();
        services.AddTransient<IPurgeProvider>(sp => sp.GetRequiredService<VarnishPurgeProvider>());
        services.AddAkamaiPurgeProvider();
        services.AddFastlyPurgeProvider();
        return services;
    }

    /// <summary>
    /// Runs purge workers and follow-up job workers in this process (with <c>LISTEN</c> on PostgreSQL), and, where requests
    /// are accepted, the <c>NOTIFY</c> that wakes workers elsewhere.
    /// </summary>
    public static IServiceCollection AddIpsPurgeHosting(this IServiceCollection services, DatabaseSettings settings, bool acceptsRequests, bool runsWorkers)
    {
        if (runsWorkers)
        {
            services.AddHostedService<PurgeWorkerService>();
            services.AddHostedService<Jobs.JobWorkerService>();
            services.AddHostedService<Retention.RetentionScheduler>();
            if (settings.Provider == DatabaseProvider.Postgres)
            {
                services.AddHostedService<PostgresQueueListener>();
            }
        }

        if (acceptsRequests && settings.Provider == DatabaseProvider.Postgres)
        {
            services.AddHostedService<PostgresQueueNotifier>();
        }

        // In-flight batches get DrainTimeout to finish, then a few seconds to be released.
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<PurgeOptions>>(
            (host, purge) => host.ShutdownTimeout = purge.Value.DrainTimeout + TimeSpan.FromSeconds(10));
        return services;
    }
}
