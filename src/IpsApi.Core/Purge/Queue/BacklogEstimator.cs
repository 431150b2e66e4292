using IpsApi.Core.Companies;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// The <c>estimatedSeconds</c> quoted for a new request: the providers' own estimates along the
/// company's tiers (Akamai says how long its purges take), plus, when work is queued ahead, the
/// URLs ahead and the request's own at the drain rate measured over the last minute. The queue
/// figures are read at most once a second.
/// </summary>
public sealed class BacklogEstimator(IServiceScopeFactory scopes, PurgeRouting routing, TimeProvider clock, IOptions<PurgeOptions> options)
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private Snapshot? current;

    public async Task<int> EstimateAsync(Company company, int newUrls, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var providerSeconds = routing.For(company).Sum(tier => tier.Providers.Max(p => snapshot.ProviderSeconds.GetValueOrDefault(p)));
        var queueSeconds = snapshot.QueuedUrls > 0 ? (snapshot.QueuedUrls + newUrls) / snapshot.UrlsPerSecond : 0;
        return (int)Math.Clamp(Math.Ceiling(providerSeconds + queueSeconds), 1, 86_400);
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (current is { } fresh && now - fresh.At < RefreshEvery)
        {
            return fresh;
        }

        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (current is { } other && now - other.At < RefreshEvery)
            {
                return other;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
                var since = now - RateWindow;
            var queued = await db.Database.SqlQuery<long>($"""
                SELECT COALESCE(SUM(url_count), 0) AS "Value" FROM notification_batches
                WHERE status IN ('Received', 'FlushingOrigin', 'FlushingCdn')
                """).SingleAsync(cancellationToken);
            var drained = queued == 0
                ? 0
                : await db.Database.SqlQuery<long>($"""
                    SELECT COALESCE(SUM(url_count), 0) AS "Value" FROM notification_batches
                    WHERE completed_at >= {since} AND status = 'Done'
                    """).SingleAsync(cancellationToken);
            var rate = drained > 0 ? drained / RateWindow.TotalSeconds : options.Value.AssumedUrlsPerSecond;
            var providers = scope.ServiceProvider.GetServices<IPurgeProvider>().ToDictionary(p => p.Name, p => p.EstimatedSeconds, StringComparer.Ordinal);
            current = new Snapshot(now, queued, rate, providers);
            return current;
        }
        finally
        {
            refreshing.Release();
        }
    }

    private sealed record Snapshot(DateTimeOffset At, long QueuedUrls, double UrlsPerSecond, Dictionary<string, int> ProviderSeconds);
}
