namespace IpsApi.Core.Purge.Akamai;

/// <summary>
/// What Akamai last told us that outlives one provider instance (the typed client is transient):
/// the seconds its latest accepted purge needed.
/// </summary>
public sealed class AkamaiPurgeState
{
    /// <summary>Akamai's usual answer for Fast Purge.</summary>
    public const int DefaultEstimatedSeconds = 5;

    private int estimatedSeconds = DefaultEstimatedSeconds;

    public int EstimatedSeconds
    {
        get => Volatile.Read(ref estimatedSeconds);
        set => Volatile.Write(ref estimatedSeconds, Math.Max(0, value));
    }
}
