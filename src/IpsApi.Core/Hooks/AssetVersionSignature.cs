using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Hooks;

/// <summary>
/// <c>X-IpsApi-Signature: sha256=&lt;hex HMAC-SHA256(raw body)&gt;</c>, keyed with the company's webhook secret as
/// printed (<c>whsec_…</c>, its UTF-8 bytes), the way <c>openssl dgst -sha256 -hmac "$secret"</c> signs.
/// </summary>
public static class AssetVersionSignature
{
    public const string HeaderName = "X-IpsApi-Signature";

    public const string Prefix = "sha256=";

    public static string Header(string secret, ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(Mac(secret, body));

    public static byte[] Mac(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
    }

    /// <summary>The MAC a header carries: <c>sha256=</c> and 64 hex digits in either case, nothing else.</summary>
    public static bool TryParse(string? header, out byte[] mac)
    {
        mac = [];
        var value = header.AsSpan().Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + (2 * HMACSHA256.HashSizeInBytes))
        {
            return false;
        }

        var hex = value[Prefix.Length..];
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        mac = Convert.FromHexString(hex);
        return true;
    }
}
