namespace IpsApi.Core.Hooks;

/// <summary>The answer to a webhook delivery: for <see cref="AssetVersionOutcome.Accepted"/> and <see cref="AssetVersionOutcome.Replayed"/> the request's handle, else why not.</summary>
public sealed record AssetVersionResult(AssetVersionOutcome Outcome, string? Handle = null, int EstimatedSeconds = 0, int UrlCount = 0, string? Detail = null);
