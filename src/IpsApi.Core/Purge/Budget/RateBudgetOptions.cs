namespace IpsApi.Core.Purge.Budget;

/// <summary>
/// The <c>Budget</c> section of a provider (<c>Purge:Akamai:Budget</c>, <c>Purge:Fastly:Budget</c>): the provider
/// account's rate limits, kept by every node together in the store. <see cref="Requests"/> costs one token a call;
/// <see cref="Urls"/> one token per object in the call. A bucket that is not set, or has capacity 0, is off.
/// </summary>
public sealed class RateBudgetOptions
{
    /// <summary>The longest limit for a bucket, and the longest <see cref="MaxWait"/>.</summary>
    public static readonly TimeSpan MaxMaxWait = TimeSpan.FromMinutes(1);

    public TokenBucketOptions? Requests { get; set; }

    public TokenBucketOptions? Urls { get; set; }

    /// <summary>
    /// The longest a worker waits for its tokens while holding its batch; a longer wait puts the batch back in the
    /// queue, due when the tokens will be there, and frees the worker for other work.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsOn => Requests?.IsOn == true || Urls?.IsOn == true;

    /// <summary>Akamai Fast Purge's documented buckets: 100 requests refilled at 50 a second, 10,000 URLs refilled at 200 a second.</summary>
    public static RateBudgetOptions Akamai() => new()
    {
        Requests = new TokenBucketOptions { Capacity = 100, PerSecond = 50 },
        Urls = new TokenBucketOptions { Capacity = 10_000, PerSecond = 200 },
    };

    /// <summary>Messages naming each key of <paramref name="section"/> (e.g. <c>Purge:Akamai:Budget</c>) that is out of range.</summary>
    public IEnumerable<string> Errors(string section)
    {
        foreach (var (name, bucket) in new[] { (nameof(Requests), Requests), (nameof(Urls), Urls) })
        {
            if (bucket is null)
            {
                continue;
            }

            if (!double.IsFinite(bucket.Capacity) || bucket.Capacity is < 0 or > 1_000_000_000 || (bucket.Capacity is > 0 and < 1))
            {
                yield return $"{section}:{name}:Capacity must be 0 (off) or from 1 to 1000000000.";
            }
            else if (bucket.IsOn && (!double.IsFinite(bucket.PerSecond) || bucket.PerSecond is < 0.001 or > 1_000_000_000))
            {
                yield return $"{section}:{name}:PerSecond must be from 0.001 to 1000000000 when {section}:{name}:Capacity is set.";
            }
        }

        if (MaxWait < TimeSpan.Zero || MaxWait > MaxMaxWait)
        {
            yield return $"{section}:MaxWait must be from 00:00:00 to {MaxMaxWait:c}.";
        }
    }

    public override string ToString() => $"requests {Requests?.ToString() ?? "off"}, URLs {Urls?.ToString() ?? "off"}, wait at most {MaxWait}";
}
