using System.Net.Http.Headers;
using System.Xml;
using IpsApi.Core.Faults;
using IpsApi.Core.Users;
using IpsApi.Server.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Soap;

/// <summary>
/// The SOAP endpoint. Everything a request must pass before its operation runs: a content coding it can decode,
/// the size limit (on the decoded body), no DOCTYPE,
/// a readable envelope, credentials (spec §2, checked by the <see cref="IpsAuthenticationHandler"/>), a body valid by the shipped XSD, and a SOAPAction
/// that agrees with the body element. The body element decides the operation, which the <see cref="SoapDispatcher"/>
/// then runs on the body already read. Faults here are written directly, in the request's SOAP version.
/// </summary>
public sealed partial class SoapGuardMiddleware(
    SoapDispatcher dispatcher,
    SoapRequestReader reader,
    IOptions<SoapEndpointOptions> options,
    ILogger<SoapGuardMiddleware> logger)
{
    private const string ParamSuffix = "Param";
    private static readonly byte[] Doctype = "<!DOCTYPE"u8.ToArray();
    private static readonly char[] ActionSeparators = ['#', '/', ':'];
    private readonly long maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext http)
    {
        var transport = TransportVersion(http.Request.ContentType);
        if (transport is null)
        {
            await SoapFaultWriter.WriteAsync(http, SoapVersion.Soap11, StatusCodes.Status415UnsupportedMediaType, IpsFault.InvalidRequestXml(
                "Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)."));
            return;
        }

        var version = transport.Value;
        if (RequestBodyReader.ContentCoding(http.Request.Headers.ContentEncoding) is not { } coding)
        {
            await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status415UnsupportedMediaType, IpsFault.InvalidRequestXml(
                $"Content-Encoding '{http.Request.Headers.ContentEncoding}' is not supported: send the body as it is, gzip- or deflate-encoded."));
            return;
        }

        ArraySegment<byte>? read;
        try
        {
            read = await ReadBodyAsync(http, coding);
        }
        catch (InvalidDataException)
        {
            await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status500InternalServerError, IpsFault.InvalidRequestXml(
                $"The request body is not valid {coding} data, as its Content-Encoding says."));
            return;
        }
        catch (BadHttpRequestException e)
        {
            // HTTP's framing of the body is broken (a malformed chunk, a body that ends early, one sent too slowly):
            // the client's mistake, answered if the connection still allows it.
            LogUnreadableBody(logger, e.StatusCode, e.Message);
            if (http.RequestAborted.IsCancellationRequested || http.Response.HasStarted)
            {
                http.Response.StatusCode = e.StatusCode;
                return;
            }

            await SoapFaultWriter.WriteAsync(http, version, e.StatusCode, IpsFault.InvalidRequestXml($"The request body could not be read: {e.Message}"));
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away before its body was whole: there is no one left to answer.
            LogClientGone(logger);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (read is not { } body)
        {
            await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status413PayloadTooLarge, IpsFault.InvalidRequestXml(
                $"The request body is larger than {maxBodyBytes} bytes, the most a request of 1000 URLs needs."));
            return;
        }

        if (body.AsSpan().IndexOf(Doctype) >= 0)
        {
            LogDoctypeRefused(logger);
            await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status500InternalServerError,
                IpsFault.InvalidRequestXml("DOCTYPE declarations are not accepted in requests."));
            return;
        }

        SoapRequest request;
        try
        {
            request = reader.Read(new MemoryStream(body.Array!, body.Offset, body.Count, writable: false), http.RequestAborted);
        }
        catch (Exception e) when (e is XmlException or SoapReadException)
        {
            await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status500InternalServerError,
                IpsFault.InvalidRequestXml($"The request is not a readable SOAP envelope: {e.Message}"));
            return;
        }

        var headers = request.Headers;
        var honouredFaultStatus = HonouredFaultStatus(headers.FaultHttpStatusCode);
        var faultStatus = honouredFaultStatus ?? StatusCodes.Status500InternalServerError;
        if (request.Version != version)
        {
            await SoapFaultWriter.WriteAsync(http, request.Version, faultStatus, IpsFault.InvalidRequestXml(
                $"A SOAP {(request.Version == SoapVersion.Soap12 ? "1.2" : "1.1")} envelope must be sent with Content-Type "
                + (request.Version == SoapVersion.Soap12 ? "application/soap+xml." : "text/xml.")));
            return;
        }

        if (Credentials(headers) is { } presented)
        {
            http.Features.Set(presented);
        }

        var authentication = await http.AuthenticateAsync(IpsAuthentication.Scheme);
        if (IpsClaims.ToUser(authentication.Principal) is not { } user)
        {
            var failure = http.Features.Get<IpsAuthenticationFailure>();
            switch (failure?.Problem)
            {
                case null:
                    http.Response.Headers.WWWAuthenticate = IpsAuthentication.BasicChallenge;
                    await SoapFaultWriter.WriteAsync(http, version, StatusCodes.Status401Unauthorized, IpsFault.NoCredentials(
                        "No credentials: send an authHeader SOAP header, the AuthUser/AuthPassword headers, or HTTP Basic authentication."));
                    return;
                case IpsAuthenticationProblem.MalformedCredentials:
                    await SoapFaultWriter.WriteAsync(http, version, faultStatus, IpsFault.NoCredentials(failure.Detail!));
                    return;
                case IpsAuthenticationProblem.TooManyWaiting:
                    // Too many attempts already waiting on this lock: closing the connection is the cheapest answer
                    // (the status is for the request log only; nothing is sent).
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    http.Abort();
                    return;
                case IpsAuthenticationProblem.ClientGone:
                    http.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                case IpsAuthenticationProblem.ServerFault:
                    await SoapFaultWriter.WriteAsync(http, version, faultStatus, IpsFault.ServerException());
                    return;
                case IpsAuthenticationProblem.Busy:
                    RequestLog.Busy(http);
                    http.Response.Headers.RetryAfter = "1";
                    await SoapFaultWriter.WriteAsync(http, version, faultStatus, IpsFault.ServerBusy());
                    return;
                default:
                    // Unknown user, wrong password, or a locked name or address: one fault for all (logged by the verifier).
                    await SoapFaultWriter.WriteAsync(http, version, faultStatus, IpsFault.InvalidCredentials());
                    return;
            }
        }

        RequestLog.User(http, user.Email);
        if (request.Problems.Count > 0)
        {
            await SoapFaultWriter.WriteAsync(http, version, faultStatus,
                IpsFault.InvalidRequestXml("The request does not match the IpsApi schema: " + string.Join(" ", request.Problems)));
            return;
        }

        var operation = request.Operation!;
        RequestLog.Operation(http, operation);
        var action = SoapAction(http.Request, version);
        if (!string.IsNullOrEmpty(action) && ActionOperation(action) != operation)
        {
            await SoapFaultWriter.WriteAsync(http, version, faultStatus, IpsFault.InvalidRequestXml(
                $"SOAPAction '{action}' names a different operation than the body element '{request.BodyElement!.Name}' ({operation})."));
            return;
        }

        var caller = new Caller(user, headers.AppName, headers.AppVersion, http.Connection.RemoteIpAddress?.ToString());
        var call = new IpsCall(operation, caller, honouredFaultStatus);
        http.Features.Set(call);
        if (headers.GzipResponse == false)
        {
            http.Request.Headers.AcceptEncoding = default;
        }

        await dispatcher.DispatchAsync(http, body, version, call);
    }

    /// <summary>
    /// The status the client asked faults to be answered with, when a fault can be sent with it: 200, 4xx or 5xx.
    /// Any other (204 and 304 forbid a body, 1xx is not a final answer, 3xx sends clients after a Location) is
    /// ignored, and the fault gets the default 500.
    /// </summary>
    private int? HonouredFaultStatus(int? requested)
    {
        if (requested is null or StatusCodes.Status200OK or (>= 400 and <= 599))
        {
            return requested;
        }

        LogFaultStatusIgnored(logger, requested.Value);
        return null;
    }

    private static SoapVersion? TransportVersion(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        return media.MediaType?.ToLowerInvariant() switch
        {
            "text/xml" => SoapVersion.Soap11,
            "application/soap+xml" => SoapVersion.Soap12,
            _ => null,
        };
    }

    /// <summary>SOAP 1.1's SOAPAction header, or SOAP 1.2's <c>action</c> media-type parameter, unquoted.</summary>
    private static string? SoapAction(HttpRequest request, SoapVersion version)
    {
        string? action = request.Headers["SOAPAction"];
        if (version == SoapVersion.Soap12 && string.IsNullOrEmpty(action)
            && MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            action = media.Parameters.FirstOrDefault(p => p.Name.Equals("action", StringComparison.OrdinalIgnoreCase))?.Value;
        }

        return action?.Trim().Trim('"');
    }

    /// <summary>
    /// The operation an action names: its last segment after '#', '/' or ':', so that a bare name,
    /// <c>ns#name</c>, <c>ns/name</c> and <c>urn:name</c> all name it, without the <c>Param</c> suffix
    /// of SOAP::Lite's default (<c>namespace#cdnCacheInvalidationParam</c>, the body element's name).
    /// </summary>
    private static string ActionOperation(string action)
    {
        var name = action[(action.LastIndexOfAny(ActionSeparators) + 1)..];
        return name.EndsWith(ParamSuffix, StringComparison.Ordinal) ? name[..^ParamSuffix.Length] : name;
    }

    /// <summary>
    /// The credentials of the authHeader, else of the legacy AuthUser/AuthPassword headers; null when the envelope
    /// carries neither (the handler then reads HTTP Basic).
    /// </summary>
    private static PresentedCredentials? Credentials(AuthHeaderValues headers)
    {
        if (headers.HasAuthHeader)
        {
            return string.IsNullOrEmpty(headers.User) || headers.Password is null
                ? PresentedCredentials.Malformed("No credentials: authHeader must carry user and password.")
                : new PresentedCredentials(headers.User, headers.Password);
        }

        if (headers.LegacyUser is not null || headers.LegacyPassword is not null)
        {
            return string.IsNullOrEmpty(headers.LegacyUser) || headers.LegacyPassword is null
                ? PresentedCredentials.Malformed("No credentials: the AuthUser and AuthPassword headers must both be present.")
                : new PresentedCredentials(headers.LegacyUser, headers.LegacyPassword);
        }

        return null;
    }

    /// <summary>The whole body, decoded, or null when it is larger than the limit (before or after decoding).</summary>
    /// <exception cref="InvalidDataException">The body is not valid data of its <paramref name="coding"/>.</exception>
    private async Task<ArraySegment<byte>?> ReadBodyAsync(HttpContext http, string coding)
    {
        var body = await RequestBodyReader.ReadAsync(http, maxBodyBytes);
        return body is { } encoded && coding != "identity"
            ? await RequestBodyReader.DecodeAsync(http, encoded, coding, maxBodyBytes)
            : body;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "authHeader/faultHttpStatusCode {Status} ignored: a fault is sent with 200, 4xx or 5xx; answering with 500")]
    private static partial void LogFaultStatusIgnored(ILogger logger, int status);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Request body unreadable ({Status}): {Problem}")]
    private static partial void LogUnreadableBody(ILogger logger, int status, string problem);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Client closed the connection before sending the whole request body")]
    private static partial void LogClientGone(ILogger logger);



    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Refused a request body with a DOCTYPE declaration")]
    private static partial void LogDoctypeRefused(ILogger logger);
}
