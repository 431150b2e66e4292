namespace IpsApi.Core.Purge;

/// <summary>
/// Why one URL was not purged. <paramref name="Code"/> is the provider's HTTP status, or 0 when
/// no answer came (connection refused, timeout); <paramref name="Reason"/> is the provider's own words.
/// </summary>
public sealed record UrlFailure(string Url, int Code, string Reason);
