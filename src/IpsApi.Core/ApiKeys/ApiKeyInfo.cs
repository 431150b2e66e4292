namespace IpsApi.Core.ApiKeys;

/// <summary>A key as listings show it: never the key, only its prefix.</summary>
public sealed record ApiKeyInfo(int Id, string CompanyHandle, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
