namespace IpsApi.Core.ApiKeys;

/// <summary>A new key: <see cref="Key"/> is shown this once and stored nowhere.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);
