using IpsApi.Core;
using IpsApi.Core.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace IpsApi.Server.Metrics;

/// <summary>
/// Exports the meter <c>IpsApi</c>, with ASP.NET Core's, Kestrel's, HttpClient's and the runtime's, in Prometheus text
/// format at <c>GET /metrics</c> (see <see cref="MetricsAccess"/> for who gets an answer). <c>ipsapi serve</c> answers on
/// its own port or on <c>Metrics:Urls</c>; <c>ipsapi worker</c>, which has no HTTP server, answers only on
/// <c>Metrics:Urls</c>.
/// </summary>
public static class MetricsExport
{
    public const string Path = "/metrics";

    /// <summary>The meters exported besides <see cref="IpsMetrics.MeterName"/>: Kestrel's has no instrumentation package of its own.</summary>
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";

    /// <summary>For <c>serve</c>: the meter provider with the Prometheus exporter, and <c>Metrics:Urls</c> as Kestrel listeners besides the server's own.</summary>
    public static WebApplicationBuilder AddIpsMetricsExport(this WebApplicationBuilder builder)
    {
        if (!ConfigurationBinding.Value(builder.Configuration, "Metrics:Enabled", true))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => Instruments(metrics)
            .AddAspNetCoreInstrumentation()
            .AddMeter(KestrelMeter)
            // Every scrape collects afresh: the exporter's own response cache would answer a scrape with an older one.
            .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        var own = new MetricsOptions { Urls = builder.Configuration["Metrics:Urls"] }.ListenUrls;
        if (own.Count > 0)
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            builder.WebHost.UseUrls(string.Join(';', [string.IsNullOrWhiteSpace(urls) ? "http://localhost:5000" : urls, .. own]));
        }

        return builder;
    }

    /// <summary>For <c>worker</c>: with <c>Metrics:Urls</c> set, the same meters on a listener of its own there (<see cref="WorkerMetricsListener"/>).</summary>
    public static HostApplicationBuilder AddIpsMetricsExport(this HostApplicationBuilder builder)
    {
        var urls = new MetricsOptions { Urls = builder.Configuration["Metrics:Urls"] }.ListenUrls;
        if (!ConfigurationBinding.Value(builder.Configuration, "Metrics:Enabled", true) || urls.Count == 0)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => Instruments(metrics)
            .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.AddHostedService<WorkerMetricsListener>();
        return builder;
    }

    /// <summary>For <c>serve</c>: answers <c>/metrics</c> where <see cref="MetricsAccess"/> allows, and nothing but <c>/metrics</c> on <c>Metrics:Urls</c>.</summary>
    public static WebApplication UseIpsMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        app.Services.GetRequiredService<QueueGauges>();
        var access = new MetricsAccess(options);
        app.Use((http, next) =>
        {
            if (access.IsMetricsListener(http) && !http.Request.Path.Equals(Path, StringComparison.Ordinal))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: access.Serves,
            path: null,
            configureBranchedPipeline: branch => branch.Use((http, next) => access.Authorize(http) ? next(http) : access.ChallengeAsync(http)),
            optionsName: null);
        return app;
    }

    private static MeterProviderBuilder Instruments(MeterProviderBuilder metrics) => metrics
        .ConfigureResource(resource => resource.AddService("ipsapi"))
        .AddMeter(IpsMetrics.MeterName)
        .AddHttpClientInstrumentation()
        .AddRuntimeInstrumentation();
}
