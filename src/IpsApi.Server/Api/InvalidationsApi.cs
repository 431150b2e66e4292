using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using IpsApi.Server.Authentication;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IpsApi.Server.Api;

/// <summary>
/// The JSON API under <c>/api/v1</c> (Scaleflex's Invalidation API beside IPS's SOAP): the same core, the same rules,
/// and every refusal as problem details carrying the SOAP fault's code and wording (<see cref="IpsProblems"/>).
/// Callers authenticate with HTTP Basic as an IPS user, or with a company's API key as a Bearer token.
/// </summary>
public static class InvalidationsApi
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapInvalidationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ApiAuthentication.Policy)
            .WithMetadata(ApiAuthentication.KeysAccepted)
            .AddEndpointFilter<IpsFaultProblemFilter>()
            .WithTags("Invalidations")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        api.MapPost("/companies/{handle}/invalidations", CreateAsync)
            .WithName("CreateInvalidation")
            .WithSummary("Invalidate URLs of a company, or its whole cache")
            .WithDescription("Stores the request (all or nothing) and answers 201 with its handle and the seconds to wait before polling. "
                + "scope original takes 1 to 1000 URLs; scope all purges the company's entire cache on every tier. "
                + "Faults as the SOAP operation cdnCacheInvalidation words them.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/companies/{handle}/invalidations", ListAsync)
            .WithName("ListInvalidations")
            .WithSummary("A company's invalidation log, newest first, cursor-paged")
            .WithDescription("Manual and automatic invalidations alike. Follow 'next' for the next page; it is null on the last.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/invalidations/{handle}", GetAsync)
            .WithName("GetInvalidation")
            .WithSummary("Where an invalidation stands, and what became of each URL")
            .WithDescription("Status as spec §7 names it (Received, FlushingOrigin, FlushingCdn, Done, ERROR_CDN_NODE, ERROR), counts, "
                + "the received, invalidated and failed URLs (failed with reasons), and timings.");

        api.MapPost("/invalidations/{handle}/retry", RetryAsync)
            .WithName("RetryInvalidation")
            .WithSummary("Retry an invalidation that ended ERROR or ERROR_CDN_NODE")
            .WithDescription("Only its failed batches go back to the queue; poll the same handle for the new progress.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Created<InvalidationCreated>, ProblemHttpResult>> CreateAsync(
        string handle, HttpContext http, ApiRequestBody body, InvalidationService invalidations)
    {
        var (request, problem) = await body.ReadJsonAsync<CreateInvalidationRequest>(http);
        if (request is null)
        {
            return (ProblemHttpResult)problem!;
        }

        var caller = ApiCaller.From(http);
        InvalidationAccepted accepted;
        switch (request.Scope ?? ApiScopes.Original)
        {
            case ApiScopes.Original:
                accepted = await invalidations.AcceptAsync(
                    caller,
                    new InvalidationCommand(
                        handle,
                        request.Urls ?? [],
                        request.EmailConfirmation?.CcOriginator ?? false,
                        request.EmailConfirmation?.CcOthers,
                        request.AssetIds),
                    http.RequestAborted);
                break;
            case ApiScopes.All when request.Urls is { Count: > 0 } || request.AssetIds is { Count: > 0 }:
                throw new IpsFaultException(IpsFault.InvalidParameter("scope \"all\" purges the company's entire cache and takes no urls or assetIds."));
            case ApiScopes.All when request.EmailConfirmation is not null:
                throw new IpsFaultException(IpsFault.InvalidParameter("scope \"all\" sends no confirmation mail; leave out emailConfirmation."));
            case ApiScopes.All:
                accepted = await invalidations.PurgeAllAsync(caller, handle, http.RequestAborted);
                break;
            default:
                throw new IpsFaultException(IpsFault.InvalidParameter($"scope '{request.Scope}' is not a scope; use \"original\" or \"all\"."));
        }

        return TypedResults.Created(
            InvalidationPath(accepted.InvalidationHandle),
            new InvalidationCreated(accepted.InvalidationHandle, accepted.EstimatedSeconds, accepted.UrlCount));
    }

    public static async Task<Ok<InvalidationList>> ListAsync(
        string handle, string? status, string? kind, string? since, string? cursor, string? limit, HttpContext http, CompanyInvalidationLog log)
    {
        var page = await log.ListAsync(ApiCaller.From(http), handle, new InvalidationLogQuery(status, kind, since, cursor, limit), http.RequestAborted);
        string? next = null;
        if (page.NextCursor is { } nextCursor)
        {
            var query = new List<KeyValuePair<string, string?>>();
            foreach (var (name, value) in new[] { ("status", status), ("kind", kind), ("since", since), ("limit", limit) })
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Add(new(name, value));
                }
            }

            query.Add(new("cursor", nextCursor));
            next = $"{Prefix}/companies/{Uri.EscapeDataString(handle)}/invalidations{QueryString.Create(query)}";
        }

        return TypedResults.Ok(new InvalidationList([.. page.Items.Select(InvalidationListItem.From)], next));
    }

    public static async Task<Ok<InvalidationState>> GetAsync(string handle, HttpContext http, CompanyInvalidationLog log) =>
        TypedResults.Ok(InvalidationState.From(await log.ReportAsync(ApiCaller.From(http), handle, http.RequestAborted)));

    public static async Task<Accepted<InvalidationRetryAccepted>> RetryAsync(string handle, HttpContext http, InvalidationService invalidations)
    {
        var retried = await invalidations.RetryAsync(ApiCaller.From(http), handle, http.RequestAborted);
        return TypedResults.Accepted(
            InvalidationPath(retried.InvalidationHandle),
            new InvalidationRetryAccepted(retried.InvalidationHandle, retried.Batches, retried.RetriedUrls, retried.UrlCount));
    }

    /// <summary>Where an invalidation is polled; its handle escaped, since it carries '|'.</summary>
    public static string InvalidationPath(string handle) => $"{Prefix}/invalidations/{Uri.EscapeDataString(handle)}";
}
