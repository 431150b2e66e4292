using IpsApi.Core.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace IpsApi.Server.Metrics;

/// <summary>
/// <c>ipsapi worker</c>'s <c>/metrics</c>: a small Kestrel server of its own on <c>Metrics:Urls</c> that answers only
/// <c>GET /metrics</c> (404 for anything else), from the worker's meter provider, with the same Basic rule as
/// <c>serve</c> when <c>Metrics:User</c>/<c>Metrics:Password</c> are set.
/// </summary>
internal sealed class WorkerMetricsListener(MeterProvider meters, QueueGauges gauges, IOptions<MetricsOptions> options) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(gauges);
        var access = new MetricsAccess(options.Value);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Join(';', options.Value.ListenUrls));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: meters,
            predicate: http => HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Equals(MetricsExport.Path, StringComparison.Ordinal),
            path: null,
            configureBranchedPipeline: branch => branch.Use((http, next) => access.Authorize(http) ? next(http) : access.ChallengeAsync(http)),
            optionsName: null);
        app.Run(http =>
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
