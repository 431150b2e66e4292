using IpsApi.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Registers retention: <see cref="RetentionOptions"/> bound from <c>Retention</c> and checked at start, the sweep,
    /// its schedule and the <c>retention</c> job. <see cref="RetentionScheduler"/> is hosted where workers run.
    /// </summary>
    public static IServiceCollection AddIpsRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>()
            .BindSettings(RetentionOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.AddScoped<RetentionSweep>();
        services.AddScoped<RetentionSchedule>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, RetentionJobHandler>());
        return services;
    }
}
