using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Purge.Budget;

/// <summary>
/// The rate budgets of provider accounts, kept in <c>rate_buckets</c> so that every worker of every node spends
/// from the same buckets. A take is one statement (<c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c>, the same SQL on
/// PostgreSQL and SQLite) that refills the bucket for the time since its last take, capped at its capacity, and
/// takes the cost; the row lock the statement holds makes concurrent takes, on any node, queue up behind each
/// other, so together they never take more than the bucket holds.
/// </summary>
/// <remarks>
/// A take always succeeds, leaving the bucket below zero if it was short: the taker has reserved the next tokens
/// and waits until they have been refilled (<c>-tokens / rate</c>). Reserving rather than trying again keeps the
/// order in which workers asked (a call of many URLs is not starved by a stream of small ones, and no worker
/// polls), and the time between calls is set by the refill rate alone. A worker waits like this only while the
/// wait is short (<see cref="RateBudgetOptions.MaxWait"/>; its batch's lease is renewed meanwhile); for a longer
/// wait it gives the tokens back and its batch goes back to the queue, due when they will be there, so that a
/// busy account does not hold every worker of a node away from other companies' batches.
/// </remarks>
public sealed partial class RateBudget(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RateBudget> logger)
{
    // The bucket's tokens refilled up to now (the taker's clock; a clock behind the last taker's refills nothing),
    // capped at the capacity. {1} capacity, {2} refill per second, {4} now in microseconds.
    private const string Refilled = """
        (CASE WHEN rate_buckets.tokens + <elapsed> * {2} > {1} THEN {1} ELSE rate_buckets.tokens + <elapsed> * {2} END)
        """;

    private const string Elapsed =
        "(CASE WHEN {4} > rate_buckets.updated_at_us THEN CAST({4} - rate_buckets.updated_at_us AS double precision) / 1000000 ELSE 0 END)";

    // {0} name, {3} the tokens of a new (full) bucket after this statement; SET expressions read the row as it was.
    private const string Upsert = """
        INSERT INTO rate_buckets (name, tokens, capacity, refill_per_second, updated_at_us)
        VALUES ({0}, {3}, {1}, {2}, {4})
        ON CONFLICT (name) DO UPDATE SET
            tokens = <tokens>,
            capacity = {1},
            refill_per_second = {2},
            updated_at_us = CASE WHEN {4} > rate_buckets.updated_at_us THEN {4} ELSE rate_buckets.updated_at_us END
        RETURNING *
        """;

    // Takes {5} tokens.
    private static readonly string TakeSql = Upsert.Replace("<tokens>", Refilled + " - {5}", StringComparison.Ordinal)
        .Replace("<elapsed>", Elapsed, StringComparison.Ordinal);

    // Empties the bucket to {5} (at most 0): it holds a token again only after the provider's Retry-After.
    private static readonly string DrainSql = Upsert.Replace("<tokens>", $"CASE WHEN {Refilled} < {{5}} THEN {Refilled} ELSE {{5}} END", StringComparison.Ordinal)
        .Replace("<elapsed>", Elapsed, StringComparison.Ordinal);

    /// <summary>Microseconds since the Unix epoch: how <c>rate_buckets.updated_at_us</c> holds a time.</summary>
    public static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// Takes <paramref name="cost"/> tokens from bucket <paramref name="name"/> (created full on its first take) and
    /// returns how long the caller must wait before spending them: zero when the bucket held them. A cost above
    /// the capacity could never be covered (the provider's own bucket would refuse the call for ever), so it is
    /// refused with <see cref="ArgumentOutOfRangeException"/>: callers split their calls (see
    /// <see cref="Akamai.AkamaiPurgeProvider"/>).
    /// </summary>
    public async Task<(RateBucket Bucket, TimeSpan Wait)> ReserveAsync(string name, TokenBucketOptions bucket, double cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, bucket.Capacity);
        var row = await RunAsync(TakeSql, name, bucket, bucket.Capacity - cost, cost, cancellationToken);
        return (row, WaitFor(row));
    }

    /// <summary>Gives back tokens taken by <see cref="ReserveAsync"/> and not spent (up to the capacity).</summary>
    public async Task RefundAsync(string name, double tokens, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE rate_buckets SET tokens = CASE WHEN tokens + {1} > capacity THEN capacity ELSE tokens + {1} END WHERE name = {0}",
            [name, tokens],
            cancellationToken);
    }

    /// <summary>
    /// The provider answered "too many requests": the budget was spent by someone else too (another client of the
    /// account), so the bucket is emptied and refills only after <paramref name="retryAfter"/>.
    /// </summary>
    public Task<RateBucket> DrainAsync(string name, TokenBucketOptions bucket, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var floor = -Math.Max(0, retryAfter.TotalSeconds) * bucket.PerSecond;
        return RunAsync(DrainSql, name, bucket, Math.Min(floor, bucket.Capacity), floor, cancellationToken);
    }

    /// <summary>
    /// Takes one request and <paramref name="urls"/> URL tokens of <paramref name="account"/>'s budget, waiting (on the
    /// clock, cancellably) until they have been refilled. Returns null once they are the caller's to spend; or, when
    /// the wait would be longer than <see cref="RateBudgetOptions.MaxWait"/>, takes nothing and returns how long to
    /// wait before asking again.
    /// </summary>
    public async Task<TimeSpan?> TakeAsync(string account, RateBudgetOptions budget, int urls, CancellationToken cancellationToken)
    {
        var taken = new List<(string Name, double Cost)>(2);
        var wait = TimeSpan.Zero;
        foreach (var (name, bucket, cost) in Buckets(account, budget, urls))
        {
            var (_, needed) = await ReserveAsync(name, bucket, cost, cancellationToken);
            taken.Add((name, cost));
            wait = needed > wait ? needed : wait;
        }

        if (wait > budget.MaxWait)
        {
            foreach (var (name, cost) in taken)
            {
                await RefundAsync(name, cost, CancellationToken.None);
            }

            LogDeferred(logger, account, urls, wait.TotalSeconds);
            return wait - budget.MaxWait;
        }

        if (wait > TimeSpan.Zero)
        {
            LogWaiting(logger, account, urls, wait.TotalMilliseconds);
            await Task.Delay(wait, clock, cancellationToken);
        }

        return null;
    }

    /// <summary>Empties <paramref name="account"/>'s buckets after the provider throttled a call (see <see cref="DrainAsync"/>).</summary>
    public async Task ThrottledAsync(string account, RateBudgetOptions budget, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        if (!budget.IsOn)
        {
            return;
        }

        foreach (var (name, bucket, _) in Buckets(account, budget, 0))
        {
            await DrainAsync(name, bucket, retryAfter, cancellationToken);
        }

        LogDrained(logger, account, retryAfter.TotalSeconds);
    }

    /// <summary>The name of <paramref name="account"/>'s bucket of <paramref name="kind"/> (<c>requests</c> or <c>urls</c>).</summary>
    public static string BucketName(string account, string kind) => $"{account}:{kind}";

    private static IEnumerable<(string Name, TokenBucketOptions Bucket, double Cost)> Buckets(string account, RateBudgetOptions budget, int urls)
    {
        if (budget.Requests is { IsOn: true } requests)
        {
            yield return (BucketName(account, "requests"), requests, 1);
        }

        if (budget.Urls is { IsOn: true } perUrl)
        {
            yield return (BucketName(account, "urls"), perUrl, urls);
        }
    }

    private static TimeSpan WaitFor(RateBucket row) =>
        row.Tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(-row.Tokens / row.RefillPerSecond, TimeSpan.FromDays(1).TotalSeconds));

    private async Task<RateBucket> RunAsync(string sql, string name, TokenBucketOptions bucket, double tokensIfNew, double operand, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        var rows = await db.RateBuckets
            .FromSqlRaw(sql, name, bucket.Capacity, bucket.PerSecond, tokensIfNew, Microseconds(clock.GetUtcNow()), operand)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows[0];
    }

    [LoggerMessage(EventId = 4700, Level = LogLevel.Debug, Message = "Rate budget {Account}: waiting {WaitMs:0} ms for the tokens of a call of {UrlCount} URL(s)")]
    private static partial void LogWaiting(ILogger logger, string account, int urlCount, double waitMs);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Information, Message = "Rate budget {Account}: a call of {UrlCount} URL(s) would wait {WaitSeconds:0.0} s for its tokens; its batch goes back to the queue")]
    private static partial void LogDeferred(ILogger logger, string account, int urlCount, double waitSeconds);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Warning, Message = "Rate budget {Account}: the provider throttled a call; the budget is emptied for {RetryAfterSeconds:0.0} s")]
    private static partial void LogDrained(ILogger logger, string account, double retryAfterSeconds);
}
