using System.Globalization;
using IpsApi.Core.Faults;
using IpsApi.Server.Soap;
using Microsoft.AspNetCore.Mvc;

namespace IpsApi.Server.Http;

/// <summary>
/// The IPS faults (spec §3) as RFC 9457 problem details, for every HTTP endpoint that is not SOAP: the same rule
/// gives the same <c>detail</c> wording as the SOAP fault's reason, and the fault code travels as <c>faultCode</c>.
/// </summary>
public static class IpsProblems
{
    /// <summary>The extension member carrying the IPS fault code.</summary>
    public const string FaultCodeMember = "faultCode";

    /// <summary>
    /// 401 for the authentication faults, 404 for a company or invalidation the caller may not see (unknown and
    /// foreign alike), 403 for a role or switch that forbids the operation, 429 for a usage limit (with
    /// <c>Retry-After</c>), 400 for a request the rules refuse, and 500 (or 503 when it says to retry) for the
    /// server's own failure.
    /// </summary>
    public static int StatusCode(IpsFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return fault.Code switch
        {
            FaultCodes.NoCredentials or FaultCodes.InvalidCredentials or FaultCodes.InvalidUser => StatusCodes.Status401Unauthorized,
            FaultCodes.InvalidCompany => StatusCodes.Status404NotFound,
            FaultCodes.NoOperationPermission or FaultCodes.MissingPermission => StatusCodes.Status403Forbidden,
            FaultCodes.Exception => fault.RetryAfter is null ? StatusCodes.Status500InternalServerError : StatusCodes.Status503ServiceUnavailable,
            _ when fault.RetryAfter is not null => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
    }

    /// <summary>The problem details of <paramref name="fault"/>, with its own status unless a transport rule gives another (413, 415).</summary>
    public static ProblemDetails ToProblemDetails(IpsFault fault, int? status = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var code = status ?? StatusCode(fault);
        return new ProblemDetails
        {
            Status = code,
            Type = code == StatusCodes.Status413PayloadTooLarge ? "https://tools.ietf.org/html/rfc9110#section-15.5.14" : null,
            Title = code switch
            {
                StatusCodes.Status413PayloadTooLarge => "Request body too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                _ => Title(fault.Code),
            },
            Detail = fault.Reason,
            Extensions = { [FaultCodeMember] = fault.Code },
        };
    }

    /// <summary>The problem result for <paramref name="fault"/>; sets <c>Retry-After</c> when the fault tells when to retry.</summary>
    public static IResult Result(HttpContext http, IpsFault fault, int? status = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        RequestLog.Fault(http, fault);
        return TypedResults.Problem(ToProblemDetails(fault, status));
    }

    private static string Title(int code) => code switch
    {
        FaultCodes.NoCredentials => "No credentials",
        FaultCodes.InvalidCredentials => "Invalid credentials",
        FaultCodes.InvalidUser => "Invalid user",
        FaultCodes.InvalidCompany => "Not found",
        FaultCodes.NoOperationPermission => "No permission for the operation",
        FaultCodes.MissingPermission => "Not permitted",
        FaultCodes.Exception => "Server error",
        FaultCodes.InvalidParameter => "Invalid parameter",
        FaultCodes.MissingParameter => "Missing parameter",
        FaultCodes.InvalidRequestXml => "Invalid request",
        _ => "Error",
    };
}
