using System.Globalization;
using System.Text.Encodings.Web;
using IpsApi.Core.Faults;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Authentication;

/// <summary>
/// Checks the IPS user a request presents (spec §2) and sets <c>HttpContext.User</c> to it, with its role and
/// companies (<see cref="IpsClaims"/>). The credentials are a protocol's own (<see cref="PresentedCredentials"/> as a
/// request feature, e.g. SOAP's authHeader) or HTTP Basic. The <see cref="CredentialVerifier"/> gives the rules:
/// the same work and the same answer for an unknown user, a wrong password and a locked name or address, failed
/// logins counted, and refusals on a lock rationed by the <see cref="RefusalPacer"/>. A failure leaves an
/// <see cref="IpsAuthenticationFailure"/> feature for the protocol to answer in its own terms.
/// </summary>
public sealed partial class IpsAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CredentialVerifier verifier,
    RefusalPacer pacer,
    IpsDbContext db,
    Core.Metrics.IpsMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Context.Features.Get<PresentedCredentials>() ?? PresentedCredentials.FromBasicHeader(Request.Headers.Authorization);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (presented.Problem is { } problem)
        {
            metrics.AuthFailure(Core.Metrics.AuthFailureReasons.Malformed);
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.MalformedCredentials, problem));
        }

        var aborted = Context.RequestAborted;
        CredentialCheck check;
        try
        {
            // One connection serves the whole call (credentials, company, the insert): the request scope's
            // context keeps it open until the response is written.
            await db.Database.OpenConnectionAsync(aborted);
            check = await verifier.VerifyAsync(presented.User, presented.Password, Context.Connection.RemoteIpAddress, aborted);
            if (check.Lock is { } locked && !await pacer.WaitTurnAsync(locked, aborted))
            {
                return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.TooManyWaiting));
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // Gone while its password waited for a hash thread (or its lookup ran): no one is left to answer.
            LogClientGoneDuringCheck(Logger);
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.ClientGone));
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            LogCheckFailed(Logger, e);
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.ServerFault, Exception: e));
        }

        if (check.Outcome == CredentialOutcome.Busy)
        {
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.Busy));
        }

        if (check.User is not { } user)
        {
            // Unknown user, wrong password, or a locked name or address (logged by the verifier).
            return Failed(new IpsAuthenticationFailure(IpsAuthenticationProblem.InvalidCredentials));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(IpsClaims.ToPrincipal(user), IpsAuthentication.Scheme));
    }

    /// <summary>
    /// The answer of an HTTP endpoint that requires a user and did not get one: problem details with the IPS fault
    /// the SOAP endpoint would send (<see cref="IpsProblems"/>): 401 with the Basic challenge, 503 with Retry-After
    /// when busy, 500 when the check failed. Too many attempts waiting on one lock get no answer at all.
    /// </summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<IpsAuthenticationFailure>();
        switch (failure?.Problem)
        {
            case IpsAuthenticationProblem.TooManyWaiting:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Context.Abort();
                return;
            case IpsAuthenticationProblem.ClientGone:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
        }

        var fault = failure?.Problem switch
        {
            null => IpsFault.NoCredentials("No credentials: send HTTP Basic authentication."),
            IpsAuthenticationProblem.MalformedCredentials => IpsFault.NoCredentials(failure.Detail!),
            IpsAuthenticationProblem.Busy => IpsFault.ServerBusy() with { RetryAfter = TimeSpan.FromSeconds(1) },
            IpsAuthenticationProblem.ServerFault => IpsFault.ServerException(),
            _ => IpsFault.InvalidCredentials(),
        };
        Response.StatusCode = IpsProblems.StatusCode(fault);
        if (Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            // The JSON API also takes a company's API key: its challenge names both.
            Response.Headers.WWWAuthenticate = Context.GetEndpoint()?.Metadata.GetMetadata<ApiKeysAcceptedMetadata>() is null
                ? IpsAuthentication.BasicChallenge
                : new Microsoft.Extensions.Primitives.StringValues([IpsAuthentication.BasicChallenge, ApiAuthentication.BearerChallenge]);
        }

        if (fault.RetryAfter is { } retryAfter)
        {
            Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (Context.RequestServices.GetService<IProblemDetailsService>() is { } problems)
        {
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = IpsProblems.ToProblemDetails(fault) });
        }
    }

    private AuthenticateResult Failed(IpsAuthenticationFailure failure)
    {
        Context.Features.Set(failure);
        return AuthenticateResult.Fail(failure.Detail ?? failure.Problem.ToString());
    }

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Client closed the connection before its credentials were checked")]
    private static partial void LogClientGoneDuringCheck(ILogger logger);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Could not check credentials; answered with fault 30000")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
