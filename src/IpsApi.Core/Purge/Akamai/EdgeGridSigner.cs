using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Purge.Akamai;

/// <summary>
/// Akamai EdgeGrid <c>EG1-HMAC-SHA256</c> request signing, written from Akamai's published
/// algorithm: the signing key is HMAC-SHA256(client secret, timestamp); the signature is
/// HMAC-SHA256(signing key, tab-joined method, scheme, host, path with query, canonical signed
/// headers, content hash and the unsigned Authorization value).
/// </summary>
public static class EdgeGridSigner
{
    public const string Algorithm = "EG1-HMAC-SHA256";

    /// <summary>Akamai's timestamp form, <c>yyyyMMddTHH:mm:ss+0000</c>, in UTC.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The whole <c>Authorization</c> header value for one request. <paramref name="headersToSign"/>
    /// are signed in the configured order (absent ones are skipped); only the first
    /// <paramref name="maxBody"/> bytes of a POST body are hashed.
    /// </summary>
    public static string Authorization(
        EdgeGridCredentials credentials,
        string method,
        Uri uri,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlySpan<byte> body,
        IReadOnlyList<string> headersToSign,
        int maxBody,
        string timestamp,
        string nonce)
    {
        var unsigned = $"{Algorithm} client_token={credentials.ClientToken};access_token={credentials.AccessToken};timestamp={timestamp};nonce={nonce};";
        var toSign = string.Join('\t',
            method.ToUpperInvariant(),
            uri.Scheme,
            uri.Authority,
            uri.PathAndQuery,
            CanonicalHeaders(headers, headersToSign),
            ContentHash(method, body, maxBody),
            unsigned);
        var signingKey = Base64Hmac(Encoding.UTF8.GetBytes(credentials.ClientSecret), timestamp);
        return unsigned + "signature=" + Base64Hmac(Encoding.UTF8.GetBytes(signingKey), toSign);
    }

    /// <summary><c>name:value</c> per signed header, lower-case names, values trimmed with inner whitespace runs collapsed.</summary>
    private static string CanonicalHeaders(IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> headersToSign)
    {
        var lookup = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        var canonical = new List<string>(headersToSign.Count);
        foreach (var name in headersToSign)
        {
            if (lookup.TryGetValue(name, out var value))
            {
                canonical.Add(name.ToLowerInvariant() + ":" + string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        return string.Join('\t', canonical);
    }

    /// <summary>Base64 SHA-256 of at most <paramref name="maxBody"/> bytes of a non-empty POST body; empty otherwise.</summary>
    private static string ContentHash(string method, ReadOnlySpan<byte> body, int maxBody) =>
        method.Equals("POST", StringComparison.OrdinalIgnoreCase) && !body.IsEmpty
            ? Convert.ToBase64String(SHA256.HashData(body[..Math.Min(body.Length, maxBody)]))
            : "";

    private static string Base64Hmac(byte[] key, string message) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)));
}
