namespace IpsApi.Server.Api;

/// <summary>URLs of the request, those purged on every tier, those whose purge is being retried, and those that failed.</summary>
public sealed record InvalidationCounts(int Urls, int Invalidated, int Retrying, int Failed);
