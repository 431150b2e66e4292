namespace IpsApi.Tests.Support;

/// <summary>A token bucket on a clock: holds at most <see cref="Capacity"/> tokens, refilled at <see cref="PerSecond"/>. Not thread-safe: callers lock.</summary>
public sealed class TokenBucket
{
    private readonly TimeProvider clock;
    private double tokens;
    private DateTimeOffset refilledAt;

    public TokenBucket(double capacity, double perSecond, TimeProvider clock)
    {
        Capacity = capacity;
        PerSecond = perSecond;
        this.clock = clock;
        tokens = capacity;
        refilledAt = clock.GetUtcNow();
    }

    public double Capacity { get; }

    public double PerSecond { get; }

    /// <summary>Tokens available now.</summary>
    public double Available
    {
        get
        {
            var now = clock.GetUtcNow();
            tokens = Math.Min(Capacity, tokens + Math.Max(0, (now - refilledAt).TotalSeconds) * PerSecond);
            refilledAt = now;
            return tokens;
        }
    }

    public void Take(double count) => tokens = Available - count;
}
