using System.Text;
using System.Xml;
using System.Xml.Serialization;
using IpsApi.Contracts;
using IpsApi.Core.Faults;

namespace IpsApi.Server.Soap;

/// <summary>
/// Runs the operation of a request the <see cref="SoapGuardMiddleware"/> has passed, and writes its answer: the
/// operation's return element in the envelope of the request's SOAP version, or its fault (spec §3). The body was
/// read whole and validated by the guard; the parameter element is bound from those bytes with the contract's
/// <see cref="XmlSerializer"/> types, the return element written with them.
/// </summary>
public sealed partial class SoapDispatcher(ILogger<SoapDispatcher> logger)
{
    private const string XsdNamespace = "http://www.w3.org/2001/XMLSchema";
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    // Built once: an XmlSerializer made with a root attribute is not cached by the runtime, and each one made
    // generates code.
    private static readonly XmlSerializer InvalidationParam = Serializer<CdnCacheInvalidationParam>("cdnCacheInvalidationParam");
    private static readonly XmlSerializer StatusParam = Serializer<GetCdnCacheInvalidationStatusParam>("getCdnCacheInvalidationStatusParam");
    private static readonly XmlSerializer InvalidationReturn = Serializer<CdnCacheInvalidationReturn>("cdnCacheInvalidationReturn");
    private static readonly XmlSerializer StatusReturn = Serializer<GetCdnCacheInvalidationStatusReturn>("getCdnCacheInvalidationStatusReturn");

    /// <summary>The return element declares its namespace as the default one, and nothing else (the envelope declares xsd and xsi).</summary>
    private static readonly XmlSerializerNamespaces ReturnNamespaces = new([new XmlQualifiedName("", IpsApiNamespaces.Body)]);

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
    };

    /// <summary>Answers <paramref name="call"/>, whose envelope (<paramref name="version"/>) is <paramref name="body"/>.</summary>
    public async Task DispatchAsync(HttpContext http, ArraySegment<byte> body, SoapVersion version, IpsCall call)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(call);
        byte[] answer;
        try
        {
            var service = http.RequestServices.GetRequiredService<IpsApiSoapService>();
            answer = call.Operation switch
            {
                OperationNames.CdnCacheInvalidation => Envelope(version, InvalidationReturn, (await service.CdnCacheInvalidationAsync(
                    new CdnCacheInvalidationRequest { Param = ReadParam<CdnCacheInvalidationParam>(body, InvalidationParam) })).Return),
                OperationNames.GetCdnCacheInvalidationStatus => Envelope(version, StatusReturn, (await service.GetCdnCacheInvalidationStatusAsync(
                    new GetCdnCacheInvalidationStatusRequest { Param = ReadParam<GetCdnCacheInvalidationStatusParam>(body, StatusParam) })).Return),
                _ => throw new InvalidOperationException($"The guard passed an operation this service does not have: {call.Operation}."),
            };
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: there is no one left to answer (a commit under way goes on, and its request is purged).
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        catch (Exception e)
        {
            await WriteFaultAsync(http, version, call, e);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = SoapFaultWriter.ContentType(version);
        http.Response.ContentLength = answer.Length;
        await http.Response.Body.WriteAsync(answer, http.RequestAborted);
    }

    /// <summary>
    /// An <see cref="IpsFaultException"/> becomes its fault; anything else is logged and answered with 30000, its
    /// message never shown. The status is the one the caller's <c>faultHttpStatusCode</c> asked for, or 500.
    /// </summary>
    private async Task WriteFaultAsync(HttpContext http, SoapVersion version, IpsCall call, Exception exception)
    {
        IpsFault fault;
        if (exception is IpsFaultException ipsFault)
        {
            fault = ipsFault.Fault;
        }
        else
        {
            LogServerFault(logger, exception);
            fault = IpsFault.ServerException();
        }

        if (fault.RetryAfter is { } retryAfter)
        {
            // A usage limit says when the call can succeed; HTTP clients and proxies read it here.
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await SoapFaultWriter.WriteAsync(http, version, call.FaultHttpStatusCode ?? StatusCodes.Status500InternalServerError, fault);
    }

    /// <summary>The operation element of a validated envelope: the first element of its Body, bound by <paramref name="serializer"/>.</summary>
    private static T ReadParam<T>(ArraySegment<byte> body, XmlSerializer serializer)
    {
        using var reader = XmlReader.Create(new MemoryStream(body.Array!, body.Offset, body.Count, writable: false), ReaderSettings);
        reader.MoveToContent();
        var envelope = reader.NamespaceURI;
        reader.Read();
        // The Envelope's children: an optional Header, skipped whole, then the Body.
        while (!(reader.NodeType == XmlNodeType.Element && reader.LocalName == "Body" && reader.NamespaceURI == envelope))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                reader.Skip();
            }
            else if (!reader.Read())
            {
                throw new XmlException("The envelope has no Body.");
            }
        }

        reader.Read();
        reader.MoveToContent();
        return (T)serializer.Deserialize(reader)!;
    }

    /// <summary>The success envelope: <c>soapenv</c> prefix, xsd and xsi declared, the return element in the body's namespace.</summary>
    private static byte[] Envelope(SoapVersion version, XmlSerializer serializer, object value)
    {
        using var buffer = new MemoryStream(512);
        using (var xml = XmlWriter.Create(buffer, WriterSettings))
        {
            var env = SoapEnvelopeNamespaces.For(version);
            xml.WriteStartElement("soapenv", "Envelope", env);
            // Declared in this order, as the wire tests pin it (the writer would otherwise put its own soapenv last).
            xml.WriteAttributeString("xmlns", "soapenv", null, env);
            xml.WriteAttributeString("xmlns", "xsd", null, XsdNamespace);
            xml.WriteAttributeString("xmlns", "xsi", null, XsiNamespace);
            xml.WriteStartElement("soapenv", "Body", env);
            serializer.Serialize(xml, value, ReturnNamespaces);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    private static XmlSerializer Serializer<T>(string element) =>
        new(typeof(T), new XmlRootAttribute(element) { Namespace = IpsApiNamespaces.Body });

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Request failed on the server; answered with fault 30000")]
    private static partial void LogServerFault(ILogger logger, Exception exception);
}
