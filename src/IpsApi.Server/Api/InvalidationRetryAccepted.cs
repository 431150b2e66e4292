namespace IpsApi.Server.Api;

/// <summary>A retry queued: the failed batches and URLs that went back to the queue, of the request's <see cref="UrlCount"/>.</summary>
public sealed record InvalidationRetryAccepted(string Handle, int Batches, int RetriedUrls, int UrlCount);
