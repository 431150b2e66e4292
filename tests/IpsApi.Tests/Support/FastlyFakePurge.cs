namespace IpsApi.Tests.Support;

/// <summary>One URL purge the Fastly fake accepted: the cached URL as sent (host/path?query, no scheme) and whether it was soft.</summary>
public sealed record FastlyFakePurge(string CachedUrl, bool Soft, string Id);
