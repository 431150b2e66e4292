using System.Diagnostics;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Queue;
using IpsApi.Core.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Workers;

/// <summary>
/// Takes one claimed batch through its company's tiers. Providers of a tier run in parallel; a
/// provider that succeeded is remembered on the batch and not called again on a retry. A
/// throttled provider delays the batch without using an attempt; a permanent refusal fails it at
/// once; any other failure is retried with backoff until <see cref="PurgeOptions.MaxAttempts"/>.
/// Writes after the claim are guarded by the lease token and run to completion even on shutdown.
/// While the batch is worked on its lease is renewed every third of <see cref="PurgeOptions.Lease"/>;
/// if another worker has taken it over meanwhile, the provider calls are cancelled. A batch without URLs
/// is a purge of the company's whole cache (a request of scope <c>all</c>): each provider is asked to
/// purge the company whole, through the same tiers, retries and lease.
/// </summary>
public sealed partial class BatchProcessor(
    BatchQueue queue,
    IServiceScopeFactory scopes,
    IpsDbContext db,
    CompanyCache companies,
    PurgeRouting routing,
    IEnumerable<IPurgeProvider> providers,
    TimeProvider clock,
    IOptions<PurgeOptions> options,
    ILogger<BatchProcessor> logger,
    Metrics.IpsMetrics metrics)
{
    private readonly PurgeOptions options = options.Value;

    public async Task ProcessAsync(NotificationBatch batch, CancellationToken abort)
    {
        using var lost = new CancellationTokenSource();
        using var done = new CancellationTokenSource();
        var renewing = new NotificationBatch { Id = batch.Id, LeaseToken = batch.LeaseToken };
        var renewal = LeaseRenewal.KeepAsync(
            async cancellationToken =>
            {
                await using var scope = scopes.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<BatchQueue>().RenewAsync(renewing, cancellationToken);
            },
            options.Lease, clock, lost, $"Batch {batch.Id}", logger, done.Token);
        try
        {
            using var calls = CancellationTokenSource.CreateLinkedTokenSource(abort, lost.Token);
            await WorkAsync(batch, calls.Token, lost.Token);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            LogLeaseLost(logger, batch.Id);
        }
        finally
        {
            await done.CancelAsync();
            await renewal;
        }
    }

    private async Task WorkAsync(NotificationBatch batch, CancellationToken abort, CancellationToken leaseLost)
    {
        if (batch.UnfinishedClaims > options.MaxUnfinishedClaims)
        {
            await FailWholeBatchAsync(batch, $"{batch.UnfinishedClaims - 1} workers in a row stopped while purging this batch (crashed, killed or lost it); not taken up again");
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var company = await companies.GetAsync(batch.CompanyId, id => db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, CancellationToken.None));
        if (company is null)
        {
            await FinishAsync(batch, queue.FailAsync(batch, InvalidationStatus.Error, batch.Attempt, BatchFailures.Format("ipsapi", PurgeOutcome.All(Subjects(batch), 0, "the company no longer exists")), CancellationToken.None));
            return;
        }

        // Only a purge of the whole cache stores a batch without URLs; the request's scope confirms it.
        var wholeCache = batch.Urls.Count == 0
            && await db.InvalidationRequests.AsNoTracking().AnyAsync(r => r.Id == batch.RequestId && r.Scope == InvalidationScopes.All, CancellationToken.None);
        if (batch.Urls.Count == 0 && !wholeCache)
        {
            await FailWholeBatchAsync(batch, "the batch has no URLs and its request is not a purge of the whole cache (scope all)");
            return;
        }

        var tiers = routing.For(company);
        if (tiers.Count == 0)
        {
            // Refused at start where configuration shows it; never Done for a purge nobody made.
            await FailWholeBatchAsync(batch, $"no purge provider is configured for company {company.Handle} (root {company.RootId}): see Purge:Origin, Purge:Cdn and Purge:Companies:{company.RootId}");
            return;
        }

        var byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        // The company's setting as cached (at most CompanyCache.Lifetime old), read once per batch, not per URL.
        var targets = PurgeTarget.Of(batch, company.AllVariants);
        var settlesInSeconds = 0;
        foreach (var tier in tiers)
        {
            var pending = tier.Providers.Where(p => !batch.DoneProviders.Contains(p)).ToList();
            if (pending.Count == 0)
            {
                continue;
            }

            if (batch.Status != tier.Status && !await FinishAsync(batch, queue.EnterTierAsync(batch, tier.Status, CancellationToken.None)))
            {
                return;
            }

            var results = await Task.WhenAll(pending.Select(name => CallAsync(byName[name], wholeCache ? company : null, targets, batch, abort)));
            foreach (var (name, outcome) in results.Where(r => r.Outcome?.Kind == PurgeOutcomeKind.Succeeded))
            {
                batch.DoneProviders = [.. batch.DoneProviders, name];
                batch.Receipts = outcome!.Receipt is { Length: > 0 } receipt ? Join(batch.Receipts, receipt) : batch.Receipts;
                settlesInSeconds = Math.Max(settlesInSeconds, outcome.EstimatedSeconds);
            }

            var unfinished = results.Where(r => r.Outcome?.Kind != PurgeOutcomeKind.Succeeded).ToList();
            if (unfinished.Count == 0)
            {
                continue;
            }

            if (unfinished.Any(r => r.Outcome is null) && leaseLost.IsCancellationRequested)
            {
                // Another worker holds the batch now: nothing of this attempt may be written.
                LogLeaseLost(logger, batch.Id);
                return;
            }

            if (unfinished.Any(r => r.Outcome is null))
            {
                // Shutdown overtook the call: hand the batch back, keeping what was purged, nothing counted.
                LogReleased(logger, batch.Id);
                await FinishAsync(batch, queue.ReleaseAsync(batch, CancellationToken.None));
                return;
            }

            await RetryOrFailAsync(batch, tier, unfinished.Select(r => (r.Name, r.Outcome!)).ToList());
            return;
        }

        var settlesAt = settlesInSeconds > 0 ? clock.GetUtcNow().AddSeconds(settlesInSeconds) : (DateTimeOffset?)null;
        if (await FinishAsync(batch, queue.CompleteAsync(batch, settlesAt, CancellationToken.None)))
        {
            if (wholeCache)
            {
                LogWholeCacheDone(logger, batch.Id, batch.RequestId, company.Handle, string.Join(", ", batch.DoneProviders), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                LogDone(logger, batch.Id, batch.RequestId, batch.Urls.Count, string.Join(", ", batch.DoneProviders), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    private async Task RetryOrFailAsync(NotificationBatch batch, PurgeTier tier, List<(string Name, PurgeOutcome Outcome)> unfinished)
    {
        var now = clock.GetUtcNow();
        var failedStatus = tier.IsCdn ? InvalidationStatus.ErrorCdnNode : InvalidationStatus.Error;
        var report = BatchFailures.Join(unfinished.Select(r => BatchFailures.Format(r.Name, r.Outcome.Kind == PurgeOutcomeKind.Throttled
            ? PurgeOutcome.All(Subjects(batch), 429, $"throttled ({r.Outcome.Reason}); retrying after {r.Outcome.RetryAfter!.Value.TotalSeconds:0.#} s")
            : r.Outcome.Failures)));
        var summary = unfinished[0].Outcome.Failures is [var first, ..] ? first.Reason : unfinished[0].Outcome.Reason ?? "";

        if (unfinished.Any(r => r.Outcome.Kind == PurgeOutcomeKind.Permanent))
        {
            LogFailed(logger, batch.Id, batch.RequestId, failedStatus, unfinished[0].Name, summary);
            await FinishAsync(batch, queue.FailAsync(batch, failedStatus, batch.Attempt + 1, report, CancellationToken.None));
            return;
        }

        var waitAtLeast = unfinished.Max(r => r.Outcome.RetryAfter) ?? TimeSpan.Zero;
        if (unfinished.All(r => r.Outcome.Kind == PurgeOutcomeKind.Throttled))
        {
            LogThrottled(logger, batch.Id, unfinished[0].Name, waitAtLeast.TotalSeconds);
            await FinishAsync(batch, queue.RetryLaterAsync(batch, now + waitAtLeast, batch.Attempt, report, CancellationToken.None));
            return;
        }

        var attempt = batch.Attempt + 1;
        if (attempt >= options.MaxAttempts)
        {
            LogFailed(logger, batch.Id, batch.RequestId, failedStatus, unfinished[0].Name, $"after {attempt} attempts: {summary}");
            await FinishAsync(batch, queue.FailAsync(batch, failedStatus, attempt, report, CancellationToken.None));
            return;
        }

        var delay = RetryBackoff.Delay(attempt, options.RetryBaseDelay, options.RetryMaxDelay, Random.Shared.NextDouble());
        delay = delay > waitAtLeast ? delay : waitAtLeast;
        LogRetrying(logger, batch.Id, attempt, options.MaxAttempts, unfinished[0].Name, summary, delay.TotalSeconds);
        await FinishAsync(batch, queue.RetryLaterAsync(batch, now + delay, attempt, report, CancellationToken.None));
    }

    /// <summary>
    /// Runs a provider on the batch's targets, or on the company's whole cache when <paramref name="wholeCacheOf"/>
    /// is given; null when shutdown cancelled it. A provider's exception is a transient failure.
    /// </summary>
    private async Task<(string Name, PurgeOutcome? Outcome)> CallAsync(
        IPurgeProvider provider, Company? wholeCacheOf, IReadOnlyList<PurgeTarget> targets, NotificationBatch batch, CancellationToken abort)
    {
        var started = Stopwatch.GetTimestamp();
        PurgeOutcome outcome;
        try
        {
            outcome = wholeCacheOf is null ? await provider.PurgeAsync(targets, abort) : await provider.PurgeWholeCacheAsync(wholeCacheOf, abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return (provider.Name, null);
        }
        catch (Exception e)
        {
            LogProviderCrashed(logger, e, provider.Name);
            outcome = PurgeOutcome.Transient(PurgeOutcome.All(Subjects(batch), 0, $"{e.GetType().Name}: {e.Message}"));
        }

        // Counted where the outcome is known: a call cut short by shutdown or a lost lease came to nothing and is not.
        metrics.PurgeAttempt(provider.Name, outcome.Kind, Stopwatch.GetElapsedTime(started));
        return (provider.Name, outcome);
    }

    /// <summary>Ends the batch <c>ERROR</c> for a reason of IpsApi's own (no provider was asked), logged, every URL with that reason.</summary>
    private async Task FailWholeBatchAsync(NotificationBatch batch, string reason)
    {
        LogFailed(logger, batch.Id, batch.RequestId, InvalidationStatus.Error, "ipsapi", reason);
        await FinishAsync(batch, queue.FailAsync(batch, InvalidationStatus.Error, batch.Attempt, BatchFailures.Format("ipsapi", PurgeOutcome.All(Subjects(batch), 0, reason)), CancellationToken.None));
    }

    /// <summary>What the batch's failures are reported against: its URLs, or for a whole-cache purge the company's whole cache.</summary>
    private static IReadOnlyList<string> Subjects(NotificationBatch batch) =>
        batch.Urls.Count > 0 ? batch.Urls : [WholeCache.Subject(batch.CompanyId)];

    /// <summary>Awaits a guarded write; false (and a warning) when another worker has taken the batch over.</summary>
    private async Task<bool> FinishAsync(NotificationBatch batch, Task<bool> write)
    {
        if (await write)
        {
            return true;
        }

        LogLeaseLost(logger, batch.Id);
        return false;
    }

    private static string Join(string? existing, string line) => string.IsNullOrEmpty(existing) ? line : existing + "\n" + line;

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Batch {BatchId} of request {RequestId} done: {UrlCount} URL(s) purged by {Providers} in {ElapsedMs:0.0} ms")]
    private static partial void LogDone(ILogger logger, long batchId, long requestId, int urlCount, string providers, double elapsedMs);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Batch {BatchId} attempt {Attempt}/{MaxAttempts} failed at {Provider}: {Reason}; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogRetrying(ILogger logger, long batchId, int attempt, int maxAttempts, string provider, string reason, double delaySeconds);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Batch {BatchId} throttled by {Provider}; next try in {DelaySeconds:0.0} s (not counted as an attempt)")]
    private static partial void LogThrottled(ILogger logger, long batchId, string provider, double delaySeconds);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Batch {BatchId} of request {RequestId} ended {Status} at {Provider}: {Reason}")]
    private static partial void LogFailed(ILogger logger, long batchId, long requestId, string status, string provider, string reason);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Batch {BatchId}: the lease was lost to another worker; this worker's result is discarded")]
    private static partial void LogLeaseLost(ILogger logger, long batchId);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "Batch {BatchId} released on shutdown; another worker will finish it")]
    private static partial void LogReleased(ILogger logger, long batchId);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Information, Message = "Batch {BatchId} of request {RequestId} done: the whole cache of company {Company} purged by {Providers} in {ElapsedMs:0.0} ms")]
    private static partial void LogWholeCacheDone(ILogger logger, long batchId, long requestId, string company, string providers, double elapsedMs);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Error, Message = "Purge provider {Provider} failed unexpectedly; the batch will be retried")]
    private static partial void LogProviderCrashed(ILogger logger, Exception exception, string provider);
}
