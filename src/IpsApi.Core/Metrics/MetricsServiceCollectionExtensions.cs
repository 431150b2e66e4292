using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the meter's instruments (<see cref="IpsMetrics"/>), the queue gauges and <see cref="MetricsOptions"/>
    /// bound from <c>Metrics</c> and checked at start. Recording costs next to nothing while no exporter listens, so
    /// every command registers them; only <c>serve</c> and <c>worker</c> export them.
    /// </summary>
    public static IServiceCollection AddIpsMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<IpsMetrics>();
        services.AddSingleton<QueueGauges>();
        services.AddScoped<RequestSettleTimer>();
        services.AddOptions<MetricsOptions>()
            .BindSettings(MetricsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
