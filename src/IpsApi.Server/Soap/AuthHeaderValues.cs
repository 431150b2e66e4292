namespace IpsApi.Server.Soap;

/// <summary>What the request's headers said about the caller and how to answer.</summary>
public sealed class AuthHeaderValues
{
    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Locale { get; set; }

    public string? AppName { get; set; }

    public string? AppVersion { get; set; }

    public bool? GzipResponse { get; set; }

    public int? FaultHttpStatusCode { get; set; }

    /// <summary>Legacy <c>AuthUser</c> header (namespace <c>http://www.scene7.com/IpsApi</c>).</summary>
    public string? LegacyUser { get; set; }

    /// <summary>Legacy <c>AuthPassword</c> header.</summary>
    public string? LegacyPassword { get; set; }

    /// <summary>Whether an authHeader carried a user or a password; a nil or empty one counts as absent.</summary>
    public bool HasAuthHeader => User is not null || Password is not null;
}
