namespace IpsApi.Core.Invalidation;

public sealed record InvalidationAccepted(string InvalidationHandle, int EstimatedSeconds);
