using IpsApi.Core.Hooks;
using IpsApi.Server.Http;
using IpsApi.Server.Soap;
using Microsoft.Net.Http.Headers;

namespace IpsApi.Server.Hooks;

/// <summary>
/// <c>POST /hooks/asset-version</c>: a DAM tells that a new version of assets replaced the old, and the company's
/// template URLs for them are invalidated as kind <c>automatic</c> (<see cref="AssetVersionHook"/> holds the rules).
/// 202 with the invalidation handle (the same one for a replay within five minutes); every refusal is problem
/// details: 401 bad or missing signature, 404 unknown company (or not the signer's), 422 no template, 413 body over
/// 64 KiB (enforced while reading), 415 not JSON, 400 malformed JSON, and the IPS faults as <see cref="IpsProblems"/> maps them.
/// </summary>
public static class AssetVersionEndpoint
{
    public const string Path = "/hooks/asset-version";

    public static WebApplication MapAssetVersionHook(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync).AddEndpointFilter<IpsFaultProblemFilter>();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, AssetVersionHook hook, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "The body must be application/json.");
        }

        if (RequestBodyReader.ContentCoding(http.Request.Headers.ContentEncoding) != "identity")
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "The body is signed as sent: send it without a Content-Encoding.");
        }

        var body = await RequestBodyReader.ReadAsync(http, AssetVersionHook.MaxBodyBytes);
        if (body is not { } bytes)
        {
            return TooLarge();
        }

        var result = await hook.HandleAsync(bytes, http.Request.Headers[AssetVersionSignature.HeaderName], http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return result.Outcome switch
        {
            AssetVersionOutcome.Accepted or AssetVersionOutcome.Replayed => TypedResults.Accepted((string?)null, new AssetVersionAnswer(
                result.Handle!, result.EstimatedSeconds, result.UrlCount, result.Outcome == AssetVersionOutcome.Replayed)),
            AssetVersionOutcome.BadSignature => Problem(StatusCodes.Status401Unauthorized, "Bad signature", result.Detail),
            AssetVersionOutcome.UnknownCompany => Problem(StatusCodes.Status404NotFound, "Not found", result.Detail),
            AssetVersionOutcome.NoTemplate => Problem(StatusCodes.Status422UnprocessableEntity, "No CDN invalidation template", result.Detail),
            _ => Problem(StatusCodes.Status400BadRequest, "Malformed body", result.Detail),
        };
    }

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may be at most {AssetVersionHook.MaxBodyBytes} bytes.");

    private static IResult Problem(int status, string title, string? detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
