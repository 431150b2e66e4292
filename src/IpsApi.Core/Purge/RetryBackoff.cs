namespace IpsApi.Core.Purge;

/// <summary>Exponential backoff with jitter: attempt n waits base·2ⁿ⁻¹ (capped), between half and all of it.</summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var full = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((full / 2) + (full / 2 * Math.Clamp(random, 0, 1)));
    }
}
