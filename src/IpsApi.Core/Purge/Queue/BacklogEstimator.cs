using IpsApi.Core.Companies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// The <c>estimatedSeconds</c> quoted for a new request: the providers' own estimates along the
/// company's tiers (Akamai says how long its purges take), plus, when work is queued ahead, the
/// URLs ahead and the request's own at the drain rate measured over the last minute.
/// <para>
/// The queue figures are read at most once a second, and at most a twentieth of the time: summing a large backlog
/// takes the store a while (a read of 200 ms is repeated 4 s later at the earliest), and a quote needs no fresher
/// figures than that. One caller reads them; callers arriving meanwhile quote from the figures read before, so a slow
/// read holds up no accept but its own. Only the very first read is waited for by all.
/// </para>
/// <para>
/// The providers' estimates cost no query: they are asked again once a second, however long the queue figures last,
/// so a new estimate from Akamai is quoted a second later at most.
/// </para>
/// </summary>
public sealed class BacklogEstimator(
    IServiceScopeFactory scopes, PurgeRouting routing, IBacklogReader reader, TimeProvider clock, IOptions<PurgeOptions> options)
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(60);

    /// <summary>The least time between two reads of the queue figures.</summary>
    public static readonly TimeSpan MinimumRefresh = TimeSpan.FromSeconds(1);

    /// <summary>The time between two reads is at least this many times the last read's length.</summary>
    public const int RefreshPerReadLength = 20;

    private readonly SemaphoreSlim reading = new(1, 1);
    private volatile Snapshot? current;
    private volatile ProviderEstimates? estimates;

    public async Task<int> EstimateAsync(Company company, int newUrls, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var seconds = await ProviderSecondsAsync();
        var providerSeconds = routing.For(company).Sum(tier => tier.Providers.Max(p => seconds.GetValueOrDefault(p)));
        var queueSeconds = snapshot.QueuedUrls > 0 ? (snapshot.QueuedUrls + newUrls) / snapshot.UrlsPerSecond : 0;
        return (int)Math.Clamp(Math.Ceiling(providerSeconds + queueSeconds), 1, 86_400);
    }

    /// <summary>The time between two reads after a read that took <paramref name="readLength"/>.</summary>
    public static TimeSpan RefreshAfter(TimeSpan readLength) =>
        readLength * RefreshPerReadLength > MinimumRefresh ? readLength * RefreshPerReadLength : MinimumRefresh;

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var last = current;
        if (last is not null && clock.GetUtcNow() < last.NextReadAt)
        {
            return last;
        }

        if (!reading.Wait(0, cancellationToken))
        {
            if (last is not null)
            {
                // Another caller is reading: quote from what it read before.
                return last;
            }

            await reading.WaitAsync(cancellationToken);
        }

        try
        {
            var started = clock.GetUtcNow();
            if (current is { } other && started < other.NextReadAt)
            {
                return other;
            }

            var backlog = await reader.ReadAsync(started - RateWindow, cancellationToken);
            var rate = backlog.DrainedUrls > 0 ? backlog.DrainedUrls / RateWindow.TotalSeconds : options.Value.AssumedUrlsPerSecond;
            var snapshot = new Snapshot(started + RefreshAfter(clock.GetUtcNow() - started), backlog.QueuedUrls, rate);
            current = snapshot;
            return snapshot;
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>Each provider's own estimate by name, asked at most once per <see cref="MinimumRefresh"/>; callers meanwhile share it.</summary>
    private async Task<Dictionary<string, int>> ProviderSecondsAsync()
    {
        var now = clock.GetUtcNow();
        if (estimates is { } last && now < last.NextReadAt)
        {
            return last.Seconds;
        }

        await using var scope = scopes.CreateAsyncScope();
        var seconds = scope.ServiceProvider.GetServices<IPurgeProvider>().ToDictionary(p => p.Name, p => p.EstimatedSeconds, StringComparer.Ordinal);
        estimates = new ProviderEstimates(now + MinimumRefresh, seconds);
        return seconds;
    }

    private sealed record Snapshot(DateTimeOffset NextReadAt, long QueuedUrls, double UrlsPerSecond);

    private sealed record ProviderEstimates(DateTimeOffset NextReadAt, Dictionary<string, int> Seconds);
}
