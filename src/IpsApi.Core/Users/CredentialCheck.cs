namespace IpsApi.Core.Users;

/// <summary>The outcome of <see cref="CredentialVerifier.VerifyAsync"/>, with the user when verified.</summary>
public sealed record CredentialCheck(CredentialOutcome Outcome, AuthenticatedUser? User = null)
{
    public static readonly CredentialCheck Invalid = new(CredentialOutcome.Invalid);
    public static readonly CredentialCheck Locked = new(CredentialOutcome.Locked);
    public static readonly CredentialCheck Busy = new(CredentialOutcome.Busy);
}
