namespace IpsApi.Core.Invalidation;

/// <summary>A retry queued: how many failed batches went back to the queue, with how many URLs, of the request's <see cref="UrlCount"/>.</summary>
public sealed record InvalidationRetried(string InvalidationHandle, int Batches, int RetriedUrls, int UrlCount);
