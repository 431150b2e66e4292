namespace IpsApi.Core.Purge;

/// <summary>What one <see cref="IPurgeProvider.PurgeAsync"/> call achieved.</summary>
public sealed record PurgeOutcome
{
    private PurgeOutcome(PurgeOutcomeKind kind) => Kind = kind;

    public PurgeOutcomeKind Kind { get; }

    /// <summary>For <see cref="PurgeOutcomeKind.Throttled"/>: the earliest moment a retry may be sent. May accompany a transient failure (503 with Retry-After).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The URLs that failed and why (empty on success and when throttled).</summary>
    public IReadOnlyList<UrlFailure> Failures { get; private init; } = [];

    /// <summary>A short, secret-free note of what the provider answered (e.g. Akamai's purgeId and supportId), kept with the batch.</summary>
    public string? Receipt { get; private init; }

    /// <summary>Seconds the provider itself says the purge needs to take effect (Akamai's <c>estimatedSeconds</c>); 0 when immediate.</summary>
    public int EstimatedSeconds { get; private init; }

    /// <summary>Why the call was throttled, in the provider's words.</summary>
    public string? Reason { get; private init; }

    public static PurgeOutcome Succeeded(string? receipt = null, int estimatedSeconds = 0) =>
        new(PurgeOutcomeKind.Succeeded) { Receipt = receipt, EstimatedSeconds = estimatedSeconds };

    public static PurgeOutcome Throttled(TimeSpan retryAfter, string reason) =>
        new(PurgeOutcomeKind.Throttled) { RetryAfter = retryAfter, Reason = reason };

    public static PurgeOutcome Transient(IReadOnlyList<UrlFailure> failures, TimeSpan? retryAfter = null) =>
        new(PurgeOutcomeKind.Transient) { Failures = failures, RetryAfter = retryAfter };

    public static PurgeOutcome Permanent(IReadOnlyList<UrlFailure> failures) =>
        new(PurgeOutcomeKind.Permanent) { Failures = failures };

    /// <summary>The same failure for every URL (the node or the API as a whole did not answer).</summary>
    public static IReadOnlyList<UrlFailure> All(IReadOnlyList<string> urls, int code, string reason) =>
        [.. urls.Select(url => new UrlFailure(url, code, reason))];

    /// <summary>The same failure for every target, each named by its URL as sent.</summary>
    public static IReadOnlyList<UrlFailure> All(IReadOnlyList<PurgeTarget> targets, int code, string reason) =>
        [.. targets.Select(target => new UrlFailure(target.Url, code, reason))];
}
