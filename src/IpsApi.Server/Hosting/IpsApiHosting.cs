using IpsApi.Core;
using IpsApi.Core.Purge;
using IpsApi.Server.Api;
using IpsApi.Server.Authentication;
using IpsApi.Server.WebConsole;
using IpsApi.Server.Hooks;
using IpsApi.Server.Metrics;
using IpsApi.Server.Soap;
using IpsApi.Server.Wsdl;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Serilog;

namespace IpsApi.Server.Hosting;

public static class IpsApiHosting
{
    /// <summary><c>Purge:Workers</c> as configured (what <c>--workers</c> and <c>--no-workers</c> set).</summary>
    public static int WorkerCount(IConfiguration configuration) => ConfigurationBinding.Value(configuration, "Purge:Workers", new PurgeOptions().Workers);

    /// <summary>Everything <c>ipsapi serve</c> runs: logging, the store, the SOAP endpoint and its guard, and the purge workers unless there are none.</summary>
    public static WebApplicationBuilder AddIpsApi(this WebApplicationBuilder builder)
    {
        // The host's own logger, not the process-wide Log.Logger, so that hosts sharing a process keep their logs apart.
        builder.Services.AddSerilog(
            (services, logger) => LoggingSetup.Configure(logger, builder.Configuration).ReadFrom.Services(services),
            preserveStaticLogger: true);
        builder.Services.AddIpsCore(builder.Configuration);
        builder.Services.AddIpsPurgeHosting(
            Core.Persistence.DatabaseSettings.From(builder.Configuration),
            acceptsRequests: true,
            runsWorkers: WorkerCount(builder.Configuration) > 0);
        builder.Services.AddOptions<SoapEndpointOptions>()
            .BindSettings(SoapEndpointOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ServerLimitsOptions>()
            .BindSettings(ServerLimitsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        TrustedProxyOptions.Register(builder.Services);
        AllowedHostsValidator.Register(builder.Services);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerLimitsOptions>, IOptions<SoapEndpointOptions>>((kestrel, limits, soap) =>
                limits.Value.ApplyTo(kestrel.Limits, soap.Value.MaxRequestBodyBytes));

        builder.Services.AddIpsHealthChecks();
        builder.AddIpsMetricsExport();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddIpsAuthentication();
        builder.Services.AddIpsConsole();
        builder.Services.AddIpsJsonApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<RequestSchemas>();
        builder.Services.AddSingleton<ContractDocuments>();
        builder.Services.AddSingleton<SoapRequestReader>();
        builder.Services.AddSingleton<SoapDispatcher>();
        builder.Services.AddSingleton<SoapGuardMiddleware>();
        builder.Services.AddScoped<IpsApiSoapService>();
        builder.Services.AddResponseCompression(options =>
        {
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/xml", "application/soap+xml"];
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = System.IO.Compression.CompressionLevel.Fastest);
        return builder;
    }

    public static WebApplication UseIpsApi(this WebApplication app)
    {
        // First (after the host filtering the web host puts before everything), so that the request log, the SOAP
        // guard, the audit record and the WSDL all see the client's address and scheme as a trusted proxy gave them.
        // The web host adds this same middleware, with these same options, when ForwardedHeaders_Enabled is true
        // (ASPNETCORE_FORWARDEDHEADERS_ENABLED, which some platforms set): it is not added twice, because a second
        // pass would read one hop more than ForwardedHeaders:ForwardLimit allows.
        if (!string.Equals(app.Configuration[TrustedProxyOptions.FrameworkSwitch], "true", StringComparison.OrdinalIgnoreCase))
        {
            app.UseForwardedHeaders();
        }

        // Before the request log: a scrape every few seconds is not worth a line; it sees the client's address as a trusted proxy gave it.
        app.UseIpsMetrics();

        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms{Call:l}";
            options.EnrichDiagnosticContext = (diagnostics, http) => diagnostics.Set("Call", RequestLog.Describe(http));
            options.GetLevel = RequestLogLevel;
        });
        app.UseResponseCompression();
        app.UseIpsConsole();
        app.UseIpsApiDocumentPolicy();
        app.UseWhen(
            http => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(SoapEndpointOptions.ServicePath, StringComparison.Ordinal),
            // The guard ends the pipeline: it answers every SOAP request itself, with the operation's reply or a fault.
            soap => soap.Run(app.Services.GetRequiredService<SoapGuardMiddleware>().InvokeAsync));
        app.MapContractDocuments();
        app.MapIpsConsole();
        app.MapInvalidationsApi();
        app.MapTemplatesApi();
        app.MapIpsApiDocument();
        app.MapIpsHealthChecks();
        app.MapAssetVersionHook();
        return app;
    }

    /// <summary>
    /// A fault answered to a caller's mistake is routine (Information); only the server's own failures are errors.
    /// A passing health probe, every few seconds from an orchestrator, is Debug; a refusal for want of a
    /// password hash slot is load, not a failure (Warning).
    /// </summary>
    private static Serilog.Events.LogEventLevel RequestLogLevel(HttpContext http, double elapsedMs, Exception? exception) =>
        exception is null && http.Response.StatusCode == StatusCodes.Status200OK && http.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
            ? Serilog.Events.LogEventLevel.Debug
        : exception is null && RequestLog.IsBusy(http) ? Serilog.Events.LogEventLevel.Warning
        : exception is not null || (http.Response.StatusCode >= 500 && RequestLog.FaultCode(http) is null)
            || RequestLog.FaultCode(http) == Core.Faults.FaultCodes.Exception
            ? Serilog.Events.LogEventLevel.Error
            : Serilog.Events.LogEventLevel.Information;

}
