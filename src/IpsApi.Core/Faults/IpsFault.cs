namespace IpsApi.Core.Faults;

/// <summary>A fault as the client sees it: detail element, code and reason.</summary>
public sealed record IpsFault(FaultKind Kind, int Code, string Reason)
{
    /// <summary>True for 30000, the only fault that is the server's doing (<c>soapenv:Server</c>).</summary>
    public bool IsServerFault => Code == FaultCodes.Exception;

    /// <summary>When calling again can succeed, for a fault that says so; HTTP answers carry it as <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static IpsFault NoCredentials(string reason) => new(FaultKind.Authentication, FaultCodes.NoCredentials, reason);

    /// <summary>One text for an unknown user and a wrong password, so the fault is no user-existence oracle.</summary>
    public static IpsFault InvalidCredentials() =>
        new(FaultKind.Authentication, FaultCodes.InvalidCredentials, "Invalid credentials: the user name or password is not correct.");

    public static IpsFault NoOperationPermission(string role, string operation) =>
        new(FaultKind.Authorization, FaultCodes.NoOperationPermission, $"Role {role} has no permission for operation {operation}.");

    public static IpsFault InvalidParameter(string reason) => new(FaultKind.IpsApi, FaultCodes.InvalidParameter, reason);

    public static IpsFault MissingParameter(string reason) => new(FaultKind.IpsApi, FaultCodes.MissingParameter, reason);

    public static IpsFault InvalidRequestXml(string reason) => new(FaultKind.IpsApi, FaultCodes.InvalidRequestXml, reason);

    /// <summary>
    /// Too many password checks waiting: decided by the load alone, before the password is looked at, so it says
    /// nothing about the user name or the password.
    /// </summary>
    public static IpsFault ServerBusy() =>
        new(FaultKind.IpsApi, FaultCodes.Exception, "The server is busy checking other credentials; nothing was carried out. Try again in a few seconds.");

    public static IpsFault ServerException() =>
        new(FaultKind.IpsApi, FaultCodes.Exception, "The server could not complete the request; it was not carried out. Try again later.");

    /// <summary>
    /// The store stopped answering while committing an accepted request: it may have been stored (and will then
    /// be purged) or not. Sending it again is safe, because purging a URL twice does no harm.
    /// </summary>
    public static IpsFault OutcomeUnknown() =>
        new(FaultKind.IpsApi, FaultCodes.Exception,
            "The server lost contact with its store while saving the request, so it may or may not have been stored. "
            + "Resubmitting it is safe: purging a URL twice does no harm.");
}
