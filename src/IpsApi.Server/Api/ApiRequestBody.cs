using System.Text;
using System.Text.Json;
using IpsApi.Core.Faults;
using IpsApi.Server.Http;
using IpsApi.Server.Soap;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace IpsApi.Server.Api;

/// <summary>
/// Reads a request body of the API. JSON: <c>application/json</c> only (else 415), at most
/// <see cref="ApiOptions.MaxRequestBodyBytes"/>, enforced while it is read (else 413), well-formed (else 400), and
/// with no member the API does not know (else 400 naming it). Text: <c>text/plain</c> in UTF-8, with a limit of its
/// own. Each refusal is problem details with fault 30003.
/// </summary>
public sealed class ApiRequestBody(IOptions<ApiOptions> options, IOptions<JsonOptions> json)
{
    private readonly long maxBodyBytes = options.Value.MaxRequestBodyBytes;
    private readonly JsonSerializerOptions serializer = json.Value.SerializerOptions;

    public long MaxBodyBytes => maxBodyBytes;

    /// <summary>The body as <typeparamref name="T"/>, or the problem result that refuses it.</summary>
    public async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext http)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!IsMediaType(http.Request.ContentType, "application/json"))
        {
            return (null, Refuse(http, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json."));
        }

        var (body, problem) = await ReadBytesAsync(http, maxBodyBytes,
            $"The request body is larger than {maxBodyBytes} bytes, the most a request of 1000 URLs of 2048 characters needs.");
        if (body is not { } bytes)
        {
            return (null, problem);
        }

        if (bytes.Count == 0)
        {
            return (null, Refuse(http, StatusCodes.Status400BadRequest, "The request body is empty: send a JSON object."));
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, serializer) is { } value
                ? (value, null)
                : (null, Refuse(http, StatusCodes.Status400BadRequest, "The request body is null: send a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Refuse(http, StatusCodes.Status400BadRequest, Describe(e)));
        }
    }

    /// <summary>A <c>text/plain</c> body in UTF-8 of at most <paramref name="maxBytes"/> bytes, or the problem result that refuses it.</summary>
    public async Task<(string? Value, IResult? Problem)> ReadTextAsync(HttpContext http, int maxBytes, string tooLarge)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!IsMediaType(http.Request.ContentType, "text/plain"))
        {
            return (null, Refuse(http, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be text/plain; charset=utf-8."));
        }

        var (body, problem) = await ReadBytesAsync(http, maxBytes, tooLarge);
        if (body is not { } bytes)
        {
            return (null, problem);
        }

        try
        {
            return (StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Refuse(http, StatusCodes.Status400BadRequest, "The request body is not UTF-8 text."));
        }
    }

    private async Task<(ArraySegment<byte>? Body, IResult? Problem)> ReadBytesAsync(HttpContext http, long limit, string tooLarge)
    {
        if (RequestBodyReader.ContentCoding(http.Request.Headers.ContentEncoding) != "identity")
        {
            return (null, Refuse(http, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Encoding '{http.Request.Headers.ContentEncoding}' is not supported: send the body as it is."));
        }

        var read = await RequestBodyReader.ReadAsync(http, limit);
        return read is { } body ? (body, null) : (null, Refuse(http, StatusCodes.Status413PayloadTooLarge, tooLarge));
    }

    /// <summary>What is wrong with the body, in the caller's terms: the JSON path, never the server's type names.</summary>
    private static string Describe(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var member = path[(path.LastIndexOf('.') + 1)..].Trim('[', ']', '\'');
            return $"The request body has a member '{member}' (at {path}) that this API does not know.";
        }

        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"The request body's value at {path} has the wrong type.";
        }

        // The reader's own words name the position of a syntax error; cut before its internal detail.
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return $"The request body is not well-formed JSON: {(cut > 0 ? message[..cut] : message)} (at {path}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsMediaType(string? contentType, string mediaType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static IResult Refuse(HttpContext http, int status, string reason) =>
        IpsProblems.Result(http, IpsFault.InvalidRequestXml(reason), status);
}
