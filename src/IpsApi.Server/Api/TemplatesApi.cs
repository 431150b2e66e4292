using IpsApi.Core.Templates;
using IpsApi.Server.Authentication;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IpsApi.Server.Api;

/// <summary>
/// A company's CDN invalidation template as plain text, exactly as <c>ipsapi template set</c> takes it: one URL per
/// line, each with <c>&lt;ID&gt;</c>, at most 2,500 characters. Text rather than JSON, so that the template travels
/// as it is written (a file, a text area) with no escaping of its <c>$preset$</c> modifiers or line breaks.
/// </summary>
public static class TemplatesApi
{
    /// <summary>The most bytes a template body may have: 2,500 characters of up to 4 UTF-8 bytes each, and line breaks.</summary>
    public const int MaxBodyBytes = (InvalidationTemplate.MaxLength * 4) + 4096;

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(InvalidationsApi.Prefix)
            .RequireAuthorization(ApiAuthentication.Policy)
            .WithMetadata(ApiAuthentication.KeysAccepted)
            .AddEndpointFilter<IpsFaultProblemFilter>()
            .WithTags("Templates")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        api.MapGet("/companies/{handle}/template", GetAsync)
            .WithName("GetTemplate")
            .WithSummary("A company's CDN invalidation template, as text/plain")
            .WithDescription("One URL per line, each containing <ID>; an empty body when the company has none.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");

        api.MapPut("/companies/{handle}/template", PutAsync)
            .WithName("PutTemplate")
            .WithSummary("Replace a company's CDN invalidation template (text/plain; an empty body removes it)")
            .WithDescription("At most 2500 characters; every line must contain <ID>. A line that is exactly <ID> means "
                + "https://<first publish host>/is/image/<root>/<ID>; presets and modifiers after <ID> are kept as written.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    public static async Task<ContentHttpResult> GetAsync(string handle, HttpContext http, TemplateService templates) =>
        TypedResults.Text(await templates.GetAsync(ApiCaller.From(http), handle, http.RequestAborted) ?? "", "text/plain; charset=utf-8");

    public static async Task<Results<NoContent, ProblemHttpResult>> PutAsync(string handle, HttpContext http, ApiRequestBody body, TemplateService templates)
    {
        var (text, problem) = await body.ReadTextAsync(http, MaxBodyBytes,
            $"The request body is larger than {MaxBodyBytes} bytes; a template has at most {InvalidationTemplate.MaxLength} characters.");
        if (text is null)
        {
            return (ProblemHttpResult)problem!;
        }

        await templates.SetAsync(ApiCaller.From(http), handle, text, http.RequestAborted);
        return TypedResults.NoContent();
    }
}
