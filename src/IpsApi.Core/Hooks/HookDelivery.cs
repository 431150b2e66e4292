using IpsApi.Core.Invalidation;

namespace IpsApi.Core.Hooks;

/// <summary>
/// An asset-version webhook delivery that was accepted: a replay of the same body for the same company within
/// <see cref="AssetVersionHook.ReplayWindow"/> answers with this request's handle and stores nothing new.
/// </summary>
public sealed class HookDelivery
{
    public long Id { get; set; }

    public int CompanyId { get; set; }

    /// <summary>SHA-256 of the raw body, lower-case hex.</summary>
    public required string BodyHash { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public long RequestId { get; set; }

    public InvalidationRequest? Request { get; set; }
}
