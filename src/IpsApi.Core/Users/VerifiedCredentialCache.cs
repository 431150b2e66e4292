using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Users;

/// <summary>Process-wide memory of recently verified credentials (see <see cref="CredentialVerifier"/>).</summary>
public sealed class VerifiedCredentialCache(TimeProvider clock)
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public bool IsRemembered(string email, string password, string storedHash) =>
        entries.TryGetValue(email, out var entry)
        && entry.ExpiresAt > clock.GetUtcNow()
        && entry.StoredHash == storedHash
        && CryptographicOperations.FixedTimeEquals(entry.PasswordMac, Mac(password));

    public void Remember(string email, string password, string storedHash)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[email] = new Entry(Mac(password), storedHash, clock.GetUtcNow() + Lifetime);
    }

    private byte[] Mac(string password) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(password));

    private sealed record Entry(byte[] PasswordMac, string StoredHash, DateTimeOffset ExpiresAt);
}
