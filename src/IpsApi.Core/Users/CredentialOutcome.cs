namespace IpsApi.Core.Users;

/// <summary>How a credential check ended. <see cref="Invalid"/> is answered with the 10001 fault.</summary>
public enum CredentialOutcome
{
    Verified,

    /// <summary>Unknown user or wrong password, after the same password check.</summary>
    Invalid,

    /// <summary>No password hash slot was free and the queue was full: nothing was checked.</summary>
    Busy,
}
