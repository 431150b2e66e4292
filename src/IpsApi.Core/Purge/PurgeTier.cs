namespace IpsApi.Core.Purge;

/// <summary>
/// One tier of a company's purge path: the status a batch shows while in it, and the providers
/// it calls (in parallel). A batch goes through the tiers in order.
/// </summary>
public sealed record PurgeTier(string Status, IReadOnlyList<string> Providers)
{
    public bool IsCdn => Status == Invalidation.InvalidationStatus.FlushingCdn;
}
