using IpsApi.Server.Authentication;
using IpsApi.Server.Http;

namespace IpsApi.Server.Api;

/// <summary>
/// What every endpoint of the JSON API shares: the <c>/api/v1</c> prefix, authentication as an IPS user or with a
/// company's API key, IPS faults answered as problem details, and the refusals any of them may give.
/// </summary>
public static class ApiGroup
{
    public const string Prefix = "/api/v1";

    /// <summary>A group under <see cref="Prefix"/> for the endpoints of <paramref name="tag"/> (their heading in the OpenAPI document).</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string tag) =>
        app.MapGroup(Prefix)
            .RequireAuthorization(ApiAuthentication.Policy)
            .WithMetadata(ApiAuthentication.KeysAccepted)
            .AddEndpointFilter<IpsFaultProblemFilter>()
            .WithTags(tag)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
}
