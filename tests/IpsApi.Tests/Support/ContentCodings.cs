using System.IO.Compression;
using System.Net.Http.Headers;

namespace IpsApi.Tests.Support;

/// <summary>Request bodies compressed as PHP's SoapClient and other toolkits send them.</summary>
public static class ContentCodings
{
    /// <summary><c>gzip</c>, <c>x-gzip</c>, <c>deflate</c> (zlib, RFC 1950), <c>deflate-raw</c> (RFC 1951) or <c>identity</c>.</summary>
    public static byte[] Encode(byte[] body, string coding)
    {
        if (coding == "identity")
        {
            return body;
        }

        using var buffer = new MemoryStream();
        using (Stream compressor = coding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
            "deflate-raw" => new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "not a coding these tests write"),
        })
        {
            compressor.Write(body);
        }

        return buffer.ToArray();
    }

    /// <summary>Posts <paramref name="body"/> as it is, with <c>Content-Encoding: <paramref name="contentEncoding"/></c>.</summary>
    public static Task<SoapReply> PostEncodedAsync(this TestServer server, byte[] body, string contentEncoding) =>
        server.PostAsync("", configure: r =>
        {
            r.Content = new ByteArrayContent(body);
            r.Content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
            r.Content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
        });
}
