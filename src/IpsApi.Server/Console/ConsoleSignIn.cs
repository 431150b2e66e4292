using System.Net;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// Checks a console sign-in exactly as the IPS authentication handler checks an API call: the core
/// <see cref="CredentialVerifier"/> (the same work for an unknown user as for a wrong password, failed logins
/// counted per name and address, locks) and the <see cref="RefusalPacer"/> rationing answers on a lock. On top, only
/// the roles that may call the invalidation operations (<see cref="CompanyAccess.MayCallOperations"/>) may sign in,
/// and a role that may not is refused with the same answer as a wrong password, so the form tells nothing about
/// which accounts exist or what they are.
/// </summary>
public sealed partial class ConsoleSignIn(CredentialVerifier verifier, RefusalPacer pacer, ILogger<ConsoleSignIn> logger)
{
    public async Task<ConsoleSignInResult> CheckAsync(string? email, string? password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return ConsoleSignInResult.Refused;
        }

        var check = await verifier.VerifyAsync(email, password, clientAddress, cancellationToken);
        if (check.Lock is { } locked && !await pacer.WaitTurnAsync(locked, cancellationToken))
        {
            return ConsoleSignInResult.Dropped;
        }

        if (check.Outcome == CredentialOutcome.Busy)
        {
            return ConsoleSignInResult.Busy;
        }

        if (check.User is not { } user)
        {
            return ConsoleSignInResult.Refused;
        }

        if (!CompanyAccess.MayCallOperations(user.Role))
        {
            LogRoleRefused(logger, user.Id, user.Role);
            return ConsoleSignInResult.Refused;
        }

        LogSignedIn(logger, user.Id, user.Role);
        return new ConsoleSignInResult(user);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Console sign-in of user {UserId} ({Role})")]
    private static partial void LogSignedIn(ILogger logger, int userId, Role role);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Refused the console sign-in of user {UserId}: role {Role} may not use the console")]
    private static partial void LogRoleRefused(ILogger logger, int userId, Role role);
}
