using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Callbacks;

/// <summary>
/// <c>X-IpsApi-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.
/// The key is the company's secret as printed (<c>whsec_…</c>, its UTF-8 bytes). Signing the time with the body
/// lets a receiver refuse a replayed delivery by its age.
/// </summary>
public static class CallbackSignature
{
    public const string HeaderName = "X-IpsApi-Signature";

    public static string Header(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var signed = new byte[Encoding.ASCII.GetByteCount(t) + 1 + body.Length];
        var written = Encoding.ASCII.GetBytes(t, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
