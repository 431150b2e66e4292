using IpsApi.Core.Users.Throttling;

namespace IpsApi.Core.Users;

/// <summary>The outcome of <see cref="CredentialVerifier.VerifyAsync"/>, with the user when verified and the lock when locked.</summary>
public sealed record CredentialCheck(CredentialOutcome Outcome, AuthenticatedUser? User = null, AuthFailure? Lock = null)
{
    public static readonly CredentialCheck Invalid = new(CredentialOutcome.Invalid);
    public static readonly CredentialCheck Busy = new(CredentialOutcome.Busy);

    public static CredentialCheck Locked(AuthFailure locked) => new(CredentialOutcome.Locked, Lock: locked);
}
