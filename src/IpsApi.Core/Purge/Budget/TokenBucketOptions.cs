namespace IpsApi.Core.Purge.Budget;

/// <summary>One bucket of a <see cref="RateBudgetOptions"/>: at most <see cref="Capacity"/> tokens, refilled at <see cref="PerSecond"/>.</summary>
public sealed class TokenBucketOptions
{
    /// <summary>The most tokens the bucket holds (the burst); <c>0</c> turns the bucket off.</summary>
    public double Capacity { get; set; }

    /// <summary>Tokens added a second (the sustained rate).</summary>
    public double PerSecond { get; set; }

    public bool IsOn => Capacity > 0;

    public override string ToString() => IsOn ? $"{Capacity} refilling at {PerSecond}/s" : "off";
}
