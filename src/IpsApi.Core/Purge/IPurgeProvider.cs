using IpsApi.Core.Companies;

namespace IpsApi.Core.Purge;

/// <summary>
/// A cache or CDN that can drop URLs: the seam between the queue and the outside world. A purge
/// must be safe to repeat: the queue calls it again after a crash, a lost lease or a retry.
/// </summary>
public interface IPurgeProvider
{
    /// <summary>The name used in configuration (<c>Purge:Origin</c>, <c>Purge:Cdn</c>) and in status reasons, e.g. <c>varnish</c>.</summary>
    string Name { get; }

    /// <summary>Seconds this provider usually needs before a purge it accepted takes effect everywhere.</summary>
    int EstimatedSeconds { get; }

    /// <summary>
    /// Purges <paramref name="targets"/>: each one's <see cref="PurgeTarget.Canonical"/> form exactly
    /// (query strings significant, nothing decoded or re-encoded). Failures of the far side are
    /// reported in the outcome, naming each <see cref="PurgeTarget.Url"/> as the client sent it; an
    /// exception means a bug or cancellation, and the queue treats it as a transient failure.
    /// </summary>
    Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken);

    /// <summary>
    /// Why this provider cannot purge <paramref name="company"/>'s whole cache, naming the setting that is
    /// missing; null when it can. Asked when a purge of scope <c>all</c> is submitted, so that one the
    /// provider could not carry out is refused before anything is stored.
    /// </summary>
    string? WholeCacheRefusal(Company company);

    /// <summary>
    /// Purges every object of <paramref name="company"/> this provider caches, and nothing of other
    /// companies (scope <c>all</c>). Failures are named by <see cref="WholeCache.Subject"/>; like
    /// <see cref="PurgeAsync"/> it must be safe to repeat.
    /// </summary>
    Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken);
}
