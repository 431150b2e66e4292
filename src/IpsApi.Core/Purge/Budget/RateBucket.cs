namespace IpsApi.Core.Purge.Budget;

/// <summary>
/// One token bucket of a provider account (table <c>rate_buckets</c>), shared by every node on the store. The row
/// keeps the tokens left at <see cref="UpdatedAt"/>; what has been refilled since is computed from the time of the
/// next take, so nothing runs between takes. <see cref="Tokens"/> may be below zero: takes reserve tokens ahead,
/// and each waits until its share has been refilled (see <see cref="RateBudget"/>).
/// </summary>
public sealed class RateBucket
{
    /// <summary>The provider account and the kind of cost, e.g. <c>akamai:akab-xxxx.purge.akamaiapis.net:requests</c>.</summary>
    public required string Name { get; set; }

    public double Tokens { get; set; }

    /// <summary>The configured capacity at the latest take (a change of configuration applies from the next take).</summary>
    public double Capacity { get; set; }

    public double RefillPerSecond { get; set; }

    /// <summary>When <see cref="Tokens"/> was counted, by the clock of the node that took last; stored as microseconds since the Unix epoch.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
