using IpsApi.Core.Companies;

namespace IpsApi.Core.ApiKeys;

/// <summary>
/// A company's API key, as stored: never the key itself, only its SHA-256 (<see cref="ApiKeySecret"/>), and its
/// <see cref="Prefix"/>, the part shown to tell keys apart.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }

    public int CompanyId { get; set; }

    public Company? Company { get; set; }

    /// <summary>What the key is for, e.g. "DAM webhook"; 1 to 100 characters.</summary>
    public required string Name { get; set; }

    /// <summary>The key's first characters (<c>ipsk_</c> and 12 hex digits): unique, shown in listings and logs.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a request last authenticated with it (written at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When it was revoked; a revoked key authenticates nothing.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
