using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core.Jobs;

public static class JobServiceCollectionExtensions
{
    /// <summary>The job queue and its processor; each kind adds its <see cref="IJobHandler"/> as a singleton.</summary>
    public static IServiceCollection AddIpsJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>()
            .BindSettings(JobOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<JobSignal>();
        services.AddScoped<JobQueue>();
        services.AddScoped<JobProcessor>();
        return services;
    }
}
