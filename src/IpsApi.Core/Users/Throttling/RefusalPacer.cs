using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Rations the answers to attempts on a locked user name or address: a burst of <see cref="Burst"/> at once, then
/// <see cref="LoginThrottleOptions.LockedRefusalsPerSecond"/>, the rest waiting in line (at most <see cref="QueueLimit"/>
/// per key). A refusal costs no password check, but a client that sends the next guess as soon as it is answered
/// would still keep the cores busy with them; waiting costs nothing. The line is per lock, so it neither depends on
/// the password nor on whether the user exists.
/// </summary>
public sealed class RefusalPacer : IDisposable
{
    /// <summary>Refusals answered at once before the rationing starts, so a person retrying by hand never waits.</summary>
    public const int Burst = 10;

    /// <summary>Attempts waiting per locked key; more are not answered (their connection is closed).</summary>
    public const int QueueLimit = 32;

    // System.Threading.RateLimiting's partitioned token buckets: one bucket per lock key, with the ordered, bounded,
    // cancellable wait built in, and idle buckets dropped by the limiter itself.
    private readonly PartitionedRateLimiter<string> limiter;

    public RefusalPacer(IOptions<LoginThrottleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var period = TimeSpan.FromSeconds(1.0 / options.Value.LockedRefusalsPerSecond);
        limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Waits for the turn of a refusal on <paramref name="locked"/>'s key; false when its line is full.</summary>
    /// <exception cref="OperationCanceledException">The request was aborted while it waited.</exception>
    public async Task<bool> WaitTurnAsync(AuthFailure locked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(locked);
        using var lease = await limiter.AcquireAsync(locked.Kind + ":" + locked.Key, 1, cancellationToken);
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
