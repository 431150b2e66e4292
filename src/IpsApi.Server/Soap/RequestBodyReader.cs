using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace IpsApi.Server.Soap;

/// <summary>
/// Reads a request body whole, decoding its Content-Encoding (PHP's SoapClient gzips or deflates
/// bodies on request). The limit applies to the decoded bytes and is enforced while reading: the
/// buffer starts small and grows as bytes arrive, never past the limit plus one byte, whatever
/// Content-Length announced or a compressed body would expand to.
/// </summary>
internal static class RequestBodyReader
{
    private const int InitialBytes = 16 * 1024;

    /// <summary>
    /// The one content coding the body carries: <c>identity</c> (no header, or only identity), <c>gzip</c>
    /// (also <c>x-gzip</c>) or <c>deflate</c>; null when it names anything else or more than one coding.
    /// </summary>
    public static string? ContentCoding(StringValues contentEncoding)
    {
        string? coding = null;
        foreach (var value in contentEncoding)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var name = token.ToLowerInvariant() switch
                {
                    "identity" => null,
                    "gzip" or "x-gzip" => "gzip",
                    "deflate" => "deflate",
                    _ => "unsupported",
                };
                if (name is null)
                {
                    continue;
                }

                if (coding is not null || name == "unsupported")
                {
                    return null;
                }

                coding = name;
            }
        }

        return coding ?? "identity";
    }

    /// <summary>
    /// The whole body of <paramref name="http"/>'s request as sent, or null when it has more than
    /// <paramref name="limit"/> bytes: refused unread when its Content-Length says so, otherwise read until one byte
    /// past the limit, announced length or not. The transport's own limit is raised when it is not above
    /// <paramref name="limit"/>, so that a body the endpoint accepts is never cut off by Kestrel. The bytes are in a
    /// buffer of the shared pool, given back when the response is done: valid for the request, not after it.
    /// </summary>
    public static async Task<ArraySegment<byte>?> ReadAsync(HttpContext http, long limit)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } transportLimit } size
            && transportLimit <= limit)
        {
            size.MaxRequestBodySize = 2 * limit;
        }

        try
        {
            // A small announced body gets a buffer of its size (one more byte tells that it really ends there); a large
            // one starts at the usual size and grows as its bytes arrive, so a crowd announcing big bodies and sending
            // them slowly costs what they sent, not what they announced.
            var initial = Math.Min(http.Request.ContentLength + 1 ?? InitialBytes, InitialBytes);
            return await ReadAsync(http.Request.Body, limit, initial, Lease.Of(http), http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    /// <summary>The bytes of <paramref name="source"/>, or null when there are more than <paramref name="limit"/>.</summary>
    public static Task<ArraySegment<byte>?> ReadAsync(Stream source, long limit, CancellationToken cancellationToken) =>
        ReadAsync(source, limit, InitialBytes, lease: null, cancellationToken);

    /// <summary>
    /// The bytes of <paramref name="source"/> in a buffer that starts at <paramref name="initial"/> bytes and doubles
    /// as they arrive, never holding more than <paramref name="limit"/> plus one; from <paramref name="lease"/>'s pool
    /// when there is one, so that a body of a thousand URLs is not a new large-object-heap array every request.
    /// </summary>
    private static async Task<ArraySegment<byte>?> ReadAsync(Stream source, long limit, long initial, Lease? lease, CancellationToken cancellationToken)
    {
        var capacity = (int)Math.Clamp(initial, 1, limit + 1);
        var buffer = lease?.Rent(capacity) ?? new byte[capacity];
        var count = 0;
        while (true)
        {
            if (count == capacity)
            {
                if (count > limit)
                {
                    return null;
                }

                capacity = (int)Math.Min(2L * capacity, limit + 1);
                var larger = lease?.Rent(capacity) ?? new byte[capacity];
                buffer.AsSpan(0, count).CopyTo(larger);
                lease?.GiveBack(buffer);
                buffer = larger;
            }

            var read = await source.ReadAsync(buffer.AsMemory(count, capacity - count), cancellationToken);
            if (read == 0)
            {
                return new ArraySegment<byte>(buffer, 0, count);
            }

            count += read;
        }
    }

    /// <summary>
    /// The decoded body, or null when it decodes to more than <paramref name="limit"/> bytes (decoding stops
    /// there). <c>deflate</c> is the zlib format (RFC 1950, what PHP sends); raw deflate (RFC 1951), which some
    /// clients send under the same name, is recognised by its missing zlib header.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is not valid data of its coding.</exception>
    public static async Task<ArraySegment<byte>?> DecodeAsync(HttpContext http, ArraySegment<byte> encoded, string coding, long limit)
    {
        ArgumentNullException.ThrowIfNull(http);
        var input = new MemoryStream(encoded.Array!, encoded.Offset, encoded.Count, writable: false);
        await using Stream decoder = coding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" when HasZlibHeader(encoded.AsSpan()) => new ZLibStream(input, CompressionMode.Decompress),
            "deflate" => new DeflateStream(input, CompressionMode.Decompress),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Not a content coding this service decodes."),
        };
        return await ReadAsync(decoder, limit, InitialBytes, Lease.Of(http), http.RequestAborted);
    }

    /// <summary>RFC 1950: compression method 8 (deflate) and a header checksum that makes the first two bytes a multiple of 31.</summary>
    private static bool HasZlibHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && (data[0] & 0x0F) == 8 && ((data[0] << 8) | data[1]) % 31 == 0;

    /// <summary>The pool buffers one request holds; they go back to the pool when its response is done.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly List<byte[]> rented = [];

        public static Lease Of(HttpContext http)
        {
            if (http.Features.Get<Lease>() is { } lease)
            {
                return lease;
            }

            lease = new Lease();
            http.Features.Set(lease);
            http.Response.RegisterForDispose(lease);
            return lease;
        }

        public byte[] Rent(int length)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            rented.Add(buffer);
            return buffer;
        }

        public void GiveBack(byte[] buffer)
        {
            if (rented.Remove(buffer))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public void Dispose()
        {
            foreach (var buffer in rented)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            rented.Clear();
        }
    }
}
