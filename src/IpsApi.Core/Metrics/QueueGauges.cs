using System.Diagnostics.Metrics;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Metrics;

/// <summary>
/// <c>ipsapi_queue_jobs{kind,state}</c> and <c>ipsapi_queue_oldest_due_seconds{kind}</c>: the work waiting in the store,
/// purge batches as kind <c>purge</c> and follow-up jobs by their own kind (<c>mail</c>, <c>callback</c>). A row is
/// <c>leased</c> while a worker holds it, <c>due</c> when a worker may take it now, <c>waiting</c> when it is due later
/// (a retry's backoff, a throttled provider's wait, or a follow-up waiting for a CDN to spread its purge).
/// <para>
/// Both gauges share one reading of the store, taken at most once per <see cref="MetricsOptions.QueueReadInterval"/>
/// (on <see cref="TimeProvider"/>'s clock) whatever the number of scrapes or scrapers; a scrape in between is
/// answered from the last reading. A failed reading counts as a reading: the gauges are left out until the next one.
/// </para>
/// </summary>
public sealed partial class QueueGauges
{
    public const string Purge = QueueView.QueueInspector.PurgeKind;

    private static readonly string[] States = ["due", "waiting", "leased"];
    private static readonly string[] KnownKinds = [Purge, FollowUpKinds.Mail, FollowUpKinds.Callback];

    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly TimeSpan interval;
    private readonly ILogger<QueueGauges> logger;
    private readonly Lock gate = new();
    private Reading? last;
    private int reads;

    public QueueGauges(IpsMetrics metrics, IServiceScopeFactory scopes, TimeProvider clock, IOptions<MetricsOptions> options, ILogger<QueueGauges> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        this.scopes = scopes;
        this.clock = clock;
        this.logger = logger;
        interval = options.Value.QueueReadInterval;
        metrics.Meter.CreateObservableGauge(
            "ipsapi.queue.jobs", ObserveJobs, "{job}", "Purge batches and follow-up jobs in the store by kind and state (due, waiting, leased).");
        metrics.Meter.CreateObservableGauge(
            "ipsapi.queue.oldest_due", ObserveOldestDue, "s", "How long the oldest due row of each kind has been due (0 when none is).");
    }

    /// <summary>How many times the store has been read (for tests and diagnostics).</summary>
    public int Reads => Volatile.Read(ref reads);

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        var reading = Current();
        if (reading.Rows is null)
        {
            yield break;
        }

        foreach (var kind in Kinds(reading.Rows))
        {
            foreach (var state in States)
            {
                var count = reading.Rows.Where(r => r.Kind == kind && r.State == state).Sum(r => r.Count);
                yield return new Measurement<long>(count, new("kind", kind), new("state", state));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldestDue()
    {
        var reading = Current();
        if (reading.Rows is null)
        {
            yield break;
        }

        foreach (var kind in Kinds(reading.Rows))
        {
            var oldest = reading.Rows.Where(r => r.Kind == kind && r.State == "due" && r.Oldest is not null).Select(r => r.Oldest!.Value).DefaultIfEmpty().Min();
            var age = oldest == default ? 0 : Math.Max(0, (reading.At - oldest).TotalSeconds);
            yield return new Measurement<double>(age, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    private static IEnumerable<string> Kinds(IReadOnlyList<QueueRow> rows) =>
        KnownKinds.Concat(rows.Select(r => r.Kind).Where(k => !KnownKinds.Contains(k)).Distinct().Order(StringComparer.Ordinal));

    /// <summary>The last reading while it is younger than the interval; otherwise a new one, taken here (once, for every gauge).</summary>
    private Reading Current()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (last is null || now - last.At >= interval || now < last.At)
            {
                last = new Reading(now, Read(now));
            }

            return last;
        }
    }

    private List<QueueRow>? Read(DateTimeOffset now)
    {
        Interlocked.Increment(ref reads);
        try
        {
            // The exporter collects synchronously; the read is bounded so that a stuck store cannot hold a scrape.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return Task.Run(() => ReadAsync(now, timeout.Token)).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            LogReadFailed(logger, e);
            return null;
        }
    }

    private async Task<List<QueueRow>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        var (received, origin, cdn, pending) = (InvalidationStatus.Received, InvalidationStatus.FlushingOrigin, InvalidationStatus.FlushingCdn, JobStatus.Pending);
        return await db.Database.SqlQuery<QueueRow>($"""
            SELECT "Kind", "State", count(*) AS "Count", min(next_attempt_at) AS "Oldest"
            FROM (
                SELECT {Purge} AS "Kind",
                       CASE WHEN lease_token IS NOT NULL AND lease_expires_at > {now} THEN 'leased'
                            WHEN next_attempt_at <= {now} THEN 'due' ELSE 'waiting' END AS "State",
                       next_attempt_at
                FROM notification_batches WHERE status IN ({received}, {origin}, {cdn})
                UNION ALL
                SELECT kind,
                       CASE WHEN lease_token IS NOT NULL AND lease_expires_at > {now} THEN 'leased'
                            WHEN next_attempt_at <= {now} THEN 'due' ELSE 'waiting' END,
                       next_attempt_at
                FROM jobs WHERE status = {pending}
            ) AS queue
            GROUP BY "Kind", "State"
            """).ToListAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Metrics: the queue gauges could not read the store; they are left out until the next reading")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    private sealed record Reading(DateTimeOffset At, List<QueueRow>? Rows);

    /// <summary>One group of the reading.</summary>
    internal sealed class QueueRow
    {
        public string Kind { get; set; } = "";

        public string State { get; set; } = "";

        public long Count { get; set; }

        public DateTimeOffset? Oldest { get; set; }
    }
}
