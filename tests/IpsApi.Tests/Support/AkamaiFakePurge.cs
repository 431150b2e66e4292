namespace IpsApi.Tests.Support;

/// <summary>
/// One purge request the Akamai fake accepted (201): by URL (<see cref="Urls"/>), or by CP code
/// (<see cref="ObjectType"/> <c>cpcode</c>, <see cref="CpCodes"/>).
/// </summary>
public sealed record AkamaiFakePurge(string Action, string Network, IReadOnlyList<string> Urls, int BodyBytes, string PurgeId, string SupportId)
{
    /// <summary><c>url</c> or <c>cpcode</c>, as in the request path.</summary>
    public string ObjectType { get; init; } = "url";

    public IReadOnlyList<long> CpCodes { get; init; } = [];

    /// <summary>When the fake accepted it, by the fake's clock.</summary>
    public DateTimeOffset AcceptedAt { get; init; }
}
