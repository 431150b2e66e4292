using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.ApiKeys;

/// <summary>
/// The form of an API key: <c>ipsk_</c>, 12 hex digits (the prefix that identifies it), <c>_</c>, and 43 base64url
/// characters of 256 random bits. Stored as SHA-256 of the whole key, not as a slow password hash: a slow hash
/// protects low-entropy secrets people choose from guessing after a leak of the store, and 256 random bits cannot
/// be guessed at any speed, so a slow hash would only cost every request the work of a login.
/// </summary>
public static class ApiKeySecret
{
    public const string Scheme = "ipsk_";

    /// <summary>Characters of a prefix: <c>ipsk_</c> and 12 hex digits.</summary>
    public const int PrefixLength = 17;

    /// <summary>Characters of a whole key.</summary>
    public const int KeyLength = PrefixLength + 1 + 43;

    /// <summary>A new key and its prefix.</summary>
    public static (string Key, string Prefix) New()
    {
        var prefix = Scheme + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{prefix}_{secret}", prefix);
    }

    /// <summary>The prefix of a presented key, or null when it does not have the form of one.</summary>
    public static string? PrefixOf(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Length != KeyLength || !presented.StartsWith(Scheme, StringComparison.Ordinal) || presented[PrefixLength] != '_')
        {
            return null;
        }

        for (var i = Scheme.Length; i < PrefixLength; i++)
        {
            if (!char.IsAsciiHexDigitLower(presented[i]))
            {
                return null;
            }
        }

        return presented[..PrefixLength];
    }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="storedHash"/>, in time that does not depend on where they differ.</summary>
    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));
}
