namespace IpsApi.Core.Metrics;

/// <summary>The <c>reason</c> label of <c>ipsapi_auth_failures_total</c>.</summary>
public static class AuthFailureReasons
{
    /// <summary>Unknown user or wrong password (one reason for both, as the fault is one).</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>The user name or client address had too many failures: refused without checking the password.</summary>
    public const string Locked = "locked";

    /// <summary>No password hash slot was free: nothing was checked.</summary>
    public const string Busy = "busy";

    /// <summary>What was presented is not a user name and password.</summary>
    public const string Malformed = "malformed";

    /// <summary>An API key that is unknown, revoked or wrong.</summary>
    public const string InvalidApiKey = "invalid_api_key";
}
