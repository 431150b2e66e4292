using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Users;

/// <summary>Process-wide memory of recently verified credentials (see <see cref="CredentialVerifier"/>).</summary>
public sealed class VerifiedCredentialCache(TimeProvider clock)
{
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ExpiringMap<string, Entry> entries = new(clock, TimeSpan.FromMinutes(5), maxEntries: 10_000);

    public bool IsRemembered(string email, string password, string storedHash) =>
        entries.TryGet(email, out var entry)
        && entry.StoredHash == storedHash
        && CryptographicOperations.FixedTimeEquals(entry.PasswordMac, Mac(password));

    public void Remember(string email, string password, string storedHash) =>
        entries.Set(email, new Entry(Mac(password), storedHash));

    private byte[] Mac(string password) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(password));

    private sealed record Entry(byte[] PasswordMac, string StoredHash);
}
