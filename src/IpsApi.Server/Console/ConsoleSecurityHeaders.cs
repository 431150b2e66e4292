namespace IpsApi.Server.WebConsole;

/// <summary>
/// The headers of every console response, pages, assets, redirects and refusals alike: a Content-Security-Policy
/// that allows only IpsApi's own script and style files (no inline script or style, no framing, forms posting only
/// here), no framing for older browsers either, no referrer leaving the console, no content sniffing, and no
/// caching of pages that show a company's log.
/// </summary>
public sealed class ConsoleSecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.CacheControl))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
