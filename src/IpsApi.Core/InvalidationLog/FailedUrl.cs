namespace IpsApi.Core.InvalidationLog;

/// <summary>A URL that was not purged, and every reason a provider gave.</summary>
public sealed record FailedUrl(string Url, IReadOnlyList<FailureReason> Reasons);
