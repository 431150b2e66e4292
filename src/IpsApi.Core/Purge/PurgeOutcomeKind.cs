namespace IpsApi.Core.Purge;

public enum PurgeOutcomeKind
{
    /// <summary>Every URL was purged (or accepted for purging by a CDN).</summary>
    Succeeded,

    /// <summary>The far side asked us to slow down; retried after <see cref="PurgeOutcome.RetryAfter"/>, not counted as an attempt.</summary>
    Throttled,

    /// <summary>Worth retrying with backoff (network error, timeout, 5xx); counted as an attempt.</summary>
    Transient,

    /// <summary>Retrying cannot help (400, 401, 403, 404, 413): the batch fails at once with the provider's reason.</summary>
    Permanent,
}
