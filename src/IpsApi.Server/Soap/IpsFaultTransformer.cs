using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Xml;
using IpsApi.Core.Faults;
using SoapCore;
using SoapCore.Extensibility;

namespace IpsApi.Server.Soap;

/// <summary>
/// Turns what the service throws into the IPS fault envelope (SoapCore's default writes a SOAP 1.2
/// code into 1.1 faults and a DataContract detail). An <see cref="IpsFaultException"/> becomes its
/// fault; anything else is logged and answered with 30000, its message never shown.
/// </summary>
public sealed partial class IpsFaultTransformer(IHttpContextAccessor accessor, ILogger<IpsFaultTransformer> logger) : IFaultExceptionTransformer
{
    public Message ProvideFault(Exception exception, MessageVersion messageVersion, Message requestMessage, ConcurrentXmlNamespaceLookup xmlNamespaceManager)
    {
        var inner = exception is System.Reflection.TargetInvocationException { InnerException: { } cause } ? cause : exception;
        IpsFault fault;
        if (inner is IpsFaultException ipsFault)
        {
            fault = ipsFault.Fault;
        }
        else
        {
            LogServerFault(logger, inner);
            fault = IpsFault.ServerException();
        }

        var http = accessor.HttpContext;
        var call = http?.Features.Get<IpsCall>();
        if (http is not null)
        {
            RequestLog.Fault(http, fault);
            if (fault.RetryAfter is { } retryAfter)
            {
                // A usage limit says when the call can succeed; HTTP clients and proxies read it here.
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var version = messageVersion.Envelope == EnvelopeVersion.Soap12 ? SoapVersion.Soap12 : SoapVersion.Soap11;
        var envelope = SoapFaultWriter.Write(version, fault);
        var message = Message.CreateMessage(XmlReader.Create(new MemoryStream(envelope)), int.MaxValue, messageVersion);
        var httpProperty = new HttpResponseMessageProperty { StatusCode = (System.Net.HttpStatusCode)(call?.FaultHttpStatusCode ?? 500) };
        message.Properties.Add(HttpResponseMessageProperty.Name, httpProperty);
        return message;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Request failed on the server; answered with fault 30000")]
    private static partial void LogServerFault(ILogger logger, Exception exception);
}
