using System.Globalization;
using System.Security.Cryptography;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Invalidation handles: <c>i|{companyId}|{requestId}|{token}</c>. The token is 128 random bits,
/// so a handle cannot be guessed from another; authorisation is still checked on every use.
/// </summary>
public static class InvalidationHandle
{
    private const string Prefix = "i|";

    public static string NewToken() => Base64UrlToken(RandomNumberGenerator.GetBytes(16));

    public static string Format(int companyId, long requestId, string token) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{companyId}|{requestId}|{token}");

    public static bool TryParse(string? handle, out int companyId, out long requestId, out string token)
    {
        companyId = 0;
        requestId = 0;
        token = "";
        if (handle is null || !handle.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = handle[Prefix.Length..].Split('|');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out companyId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out requestId)
            || parts[2].Length != 22)
        {
            return false;
        }

        token = parts[2];
        return true;
    }

    /// <summary>Whether a handle's token is the stored one, in time that does not depend on where they differ.</summary>
    public static bool TokenMatches(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(presented));

    private static string Base64UrlToken(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
