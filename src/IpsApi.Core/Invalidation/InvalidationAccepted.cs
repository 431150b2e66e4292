namespace IpsApi.Core.Invalidation;

/// <summary>A stored request: its handle, the quoted estimate, and how many distinct URLs it purges.</summary>
public sealed record InvalidationAccepted(string InvalidationHandle, int EstimatedSeconds, int UrlCount);
