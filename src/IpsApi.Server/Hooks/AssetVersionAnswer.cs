namespace IpsApi.Server.Hooks;

/// <summary>The 202 answer: the invalidation's handle (to poll with <c>getCdnCacheInvalidationStatus</c>), and whether this delivery was a replay.</summary>
public sealed record AssetVersionAnswer(string Handle, int EstimatedSeconds, int UrlCount, bool Replayed);
