namespace IpsApi.Core.Users;

/// <summary>How a credential check ended. Every outcome but <see cref="Verified"/> and <see cref="Busy"/> is answered with the one 10001 fault.</summary>
public enum CredentialOutcome
{
    Verified,

    /// <summary>Unknown user or wrong password, after the same password check.</summary>
    Invalid,

    /// <summary>The user name or the client address had too many failures in the window: refused without checking the password.</summary>
    Locked,

    /// <summary>No password hash slot was free and the queue was full: nothing was checked.</summary>
    Busy,
}
