namespace IpsApi.Tests.Support;

/// <summary>
/// One service purge the Fastly fake accepted: the service's whole cache (<c>purge_all</c>, <paramref name="SurrogateKey"/>
/// null) or the objects tagged with <paramref name="SurrogateKey"/>; whether <c>Fastly-Soft-Purge</c> was sent; the purge id.
/// </summary>
public sealed record FastlyFakeServicePurge(string ServiceId, string? SurrogateKey, bool Soft, string? Id);
