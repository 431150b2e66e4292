namespace IpsApi.Core.Invalidation;

/// <summary>Why the URL at <paramref name="Position"/> (1-based, as in the request) was refused.</summary>
public sealed record UrlProblem(int Position, string Url, string Why);
