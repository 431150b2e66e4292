using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using IpsApi.Core.ApiKeys;
using IpsApi.Core.Faults;
using IpsApi.Core.Persistence;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> as the key's company (an <c>IpsCompanyAdmin</c> of that one
/// company, <see cref="ApiKeyVerifier"/>), on the JSON API's endpoints only (<see cref="ApiKeysAcceptedMetadata"/>):
/// anywhere else, SOAP included, a key is no credential at all. A bad key gets 401 with a Bearer challenge and the
/// same problem details as a bad password.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyVerifier verifier,
    IpsDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The Bearer token of the Authorization header; null when the header is not a Bearer one.</summary>
    public static string? BearerToken(string? authorizationHeader) =>
        AuthenticationHeaderValue.TryParse(authorizationHeader, out var authorization)
        && authorization.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            ? authorization.Parameter ?? ""
            : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.GetEndpoint()?.Metadata.GetMetadata<ApiKeysAcceptedMetadata>() is null
            || BearerToken(Request.Headers.Authorization) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var aborted = Context.RequestAborted;
        Core.Users.AuthenticatedUser? user;
        try
        {
            await db.Database.OpenConnectionAsync(aborted);
            user = await verifier.VerifyAsync(token, Context.Connection.RemoteIpAddress, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.ClientGone));
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            LogCheckFailed(Logger, e);
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.ServerFault, Exception: e));
        }

        return user is null
            ? Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.InvalidCredentials))
            : AuthenticateResult.Success(new AuthenticationTicket(IpsClaims.ToPrincipal(user, ApiAuthentication.KeyScheme), ApiAuthentication.KeyScheme));
    }

    /// <summary>401 with both challenges (a key or a user may be sent), or 500 when the check itself failed; problem details either way.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<IpsAuthenticationFailure>();
        if (failure?.Problem == IpsAuthenticationProblem.ClientGone)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var fault = failure?.Problem == IpsAuthenticationProblem.ServerFault ? IpsFault.ServerException() : InvalidKey;
        Response.StatusCode = IpsProblems.StatusCode(fault);
        if (Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = new([ApiAuthentication.InvalidKeyChallenge, IpsAuthentication.BasicChallenge]);
        }

        if (Context.RequestServices.GetService<IProblemDetailsService>() is { } problems)
        {
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = IpsProblems.ToProblemDetails(fault) });
        }
    }

    /// <summary>One text for a malformed, unknown, wrong or revoked key: the answer tells nothing.</summary>
    private static IpsFault InvalidKey =>
        new(FaultKind.Authentication, Core.Faults.FaultCodes.InvalidCredentials, "Invalid credentials: the API key is not valid.");

    private AuthenticateResult Failed(IpsAuthenticationFailure failure)
    {
        Context.Features.Set(failure);
        return AuthenticateResult.Fail(failure.Problem.ToString());
    }

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Could not check an API key; answered with fault 30000")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
