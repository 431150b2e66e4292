using System.Text.Json;
using IpsApi.Core.Faults;
using IpsApi.Server.Http;
using IpsApi.Server.Soap;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace IpsApi.Server.Api;

/// <summary>
/// Reads a JSON request body of the API: <c>application/json</c> only (else 415), at most
/// <see cref="ApiOptions.MaxRequestBodyBytes"/>, enforced while it is read (else 413), well-formed (else 400), and
/// with no member the API does not know (else 400 naming it). Each refusal is problem details with fault 30003.
/// </summary>
public sealed class JsonRequestBody(IOptions<ApiOptions> options, IOptions<JsonOptions> json)
{
    private readonly long maxBodyBytes = options.Value.MaxRequestBodyBytes;
    private readonly JsonSerializerOptions serializer = json.Value.SerializerOptions;

    public long MaxBodyBytes => maxBodyBytes;

    /// <summary>The body as <typeparamref name="T"/>, or the problem result that refuses it.</summary>
    public async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!IsJson(http.Request.ContentType))
        {
            return (null, Refuse(http, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json."));
        }

        if (RequestBodyReader.ContentCoding(http.Request.Headers.ContentEncoding) != "identity")
        {
            return (null, Refuse(http, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Encoding '{http.Request.Headers.ContentEncoding}' is not supported: send the JSON body as it is."));
        }

        var tooLarge = $"The request body is larger than {maxBodyBytes} bytes, the most a request of 1000 URLs of 2048 characters needs.";
        if (http.Request.ContentLength > maxBodyBytes)
        {
            return (null, Refuse(http, StatusCodes.Status413PayloadTooLarge, tooLarge));
        }

        // The reader stops one byte past the limit by itself; Kestrel's own limit (twice SOAP's) is raised only if
        // the API's is set above it, so that a body the API accepts is never cut off by the transport.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } transportLimit } size
            && transportLimit <= maxBodyBytes)
        {
            size.MaxRequestBodySize = 2 * maxBodyBytes;
        }

        ArraySegment<byte>? read;
        try
        {
            read = await RequestBodyReader.ReadAsync(http.Request.Body, maxBodyBytes, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            read = null;
        }

        if (read is not { } body)
        {
            return (null, Refuse(http, StatusCodes.Status413PayloadTooLarge, tooLarge));
        }

        if (body.Count == 0)
        {
            return (null, Refuse(http, StatusCodes.Status400BadRequest, "The request body is empty: send a JSON object."));
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, serializer) is { } value
                ? (value, null)
                : (null, Refuse(http, StatusCodes.Status400BadRequest, "The request body is null: send a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Refuse(http, StatusCodes.Status400BadRequest, Describe(e)));
        }
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

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static IResult Refuse(HttpContext http, int status, string reason) =>
        IpsProblems.Result(http, IpsFault.InvalidRequestXml(reason), status);
}
