using IpsApi.Core.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IpsApi.Server.Hosting;

/// <summary>
/// <c>GET /healthz</c>: liveness, the process answers HTTP (restarting it would not help with anything else).
/// <c>GET /healthz/ready</c>: readiness, the store accepts a write, so a request accepted now will be kept, and its
/// schema is this version's (the cheap part of <c>ipsapi check</c>; the providers are not called).
/// Both answer plain text: <c>ok</c>, or 503 with one line per failing check.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddIpsHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<StoreWriteHealthCheck>();
        services.AddSingleton<StoreSchemaHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<StoreWriteHealthCheck>("store", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<StoreSchemaHealthCheck>("schema", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static WebApplication MapIpsHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteText });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteText });
        return app;
    }

    private static Task WriteText(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(report.Status == HealthStatus.Healthy
            ? "ok\n"
            : string.Concat(report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}\n")));
    }
}

/// <summary>
/// Writes the store's probe row and commits. A reachable store that cannot write (disk full, read-only file,
/// a PostgreSQL standby or <c>default_transaction_read_only</c>) fails here, where a connection check passes.
/// The cause is logged once when the check starts failing (probes come every few seconds), never answered:
/// the endpoint needs no credentials.
/// </summary>
public sealed partial class StoreWriteHealthCheck(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StoreWriteHealthCheck> logger) : IHealthCheck
{
    private int failing;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await StoreProbe.WriteAsync(scope.ServiceProvider.GetRequiredService<IpsDbContext>(), clock.GetUtcNow(), cancellationToken);
            if (Interlocked.Exchange(ref failing, 0) == 1)
            {
                LogWritable(logger);
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            if (Interlocked.Exchange(ref failing, 1) == 0)
            {
                LogNotWritable(logger, e);
            }

            return HealthCheckResult.Unhealthy(cancellationToken.IsCancellationRequested
                ? "the store did not accept a write in time"
                : "the store does not accept a write");
        }
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Readiness: the store does not accept a write; /healthz/ready answers 503 until it does")]
    private static partial void LogNotWritable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Readiness: the store accepts writes again")]
    private static partial void LogWritable(ILogger logger);
}
