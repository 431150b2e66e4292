using IpsApi.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Callbacks;

public static class CallbackServiceCollectionExtensions
{
    /// <summary>
    /// Registers completion callbacks: <see cref="CallbackOptions"/> bound from <c>Callbacks</c> and checked at
    /// start, the named <see cref="HttpClient"/> (no redirects; retries belong to the job queue) and the
    /// <see cref="CallbackJobHandler"/>. The caller registers <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddIpsCallbacks(this IServiceCollection services)
    {
        services.AddOptions<CallbackOptions>()
            .BindSettings(CallbackOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(CallbackJobHandler.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // Callbacks:Timeout bounds each attempt through its token; this is only a backstop behind it.
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<IOptions<CallbackOptions>>().Value.Timeout + TimeSpan.FromSeconds(5))
            // The factory's request logs would name the full URL (whose path or query may hold the receiver's
            // token) and, at Trace, the signature; the job records each attempt's outcome instead.
            .RemoveAllLoggers();
        services.AddSingleton<IJobHandler, CallbackJobHandler>();
        return services;
    }
}
