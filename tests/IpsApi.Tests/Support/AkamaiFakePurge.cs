namespace IpsApi.Tests.Support;

/// <summary>One purge request the Akamai fake accepted (201).</summary>
public sealed record AkamaiFakePurge(string Action, string Network, IReadOnlyList<string> Urls, int BodyBytes, string PurgeId, string SupportId);
