using System.Globalization;
using System.Text;
using System.Xml;
using IpsApi.Contracts;
using IpsApi.Core.Faults;

namespace IpsApi.Server.Soap;

/// <summary>
/// Writes the fault envelope of spec §3: <c>soapenv:Client</c> (1.2: <c>Sender</c>) for caller
/// mistakes, <c>soapenv:Server</c> (1.2: <c>Receiver</c>) for 30000, and a detail holding exactly one
/// of <c>authenticationFault</c>, <c>authorizationFault</c>, <c>ipsApiFault</c>.
/// </summary>
public static class SoapFaultWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
    };

    public static byte[] Write(SoapVersion version, IpsFault fault)
    {
        var reason = XmlSafe(fault.Reason);
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            var env = SoapEnvelopeNamespaces.For(version);
            xml.WriteStartElement("soapenv", "Envelope", env);
            xml.WriteStartElement("soapenv", "Body", env);
            xml.WriteStartElement("soapenv", "Fault", env);
            if (version == SoapVersion.Soap11)
            {
                xml.WriteElementString("faultcode", fault.IsServerFault ? "soapenv:Server" : "soapenv:Client");
                xml.WriteElementString("faultstring", reason);
                xml.WriteStartElement("detail");
                WriteDetail(xml, fault, reason);
                xml.WriteEndElement();
            }
            else
            {
                xml.WriteStartElement("soapenv", "Code", env);
                xml.WriteElementString("soapenv", "Value", env, fault.IsServerFault ? "soapenv:Receiver" : "soapenv:Sender");
                xml.WriteEndElement();
                xml.WriteStartElement("soapenv", "Reason", env);
                xml.WriteStartElement("soapenv", "Text", env);
                xml.WriteAttributeString("xml", "lang", null, "en");
                xml.WriteString(reason);
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteStartElement("soapenv", "Detail", env);
                WriteDetail(xml, fault, reason);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    /// <summary>Answers the request with <paramref name="fault"/> as its whole response, noted for the request log.</summary>
    public static async Task WriteAsync(HttpContext http, SoapVersion version, int status, IpsFault fault)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(fault);
        RequestLog.Fault(http, fault);
        var envelope = Write(version, fault);
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType(version);
        http.Response.ContentLength = envelope.Length;
        await http.Response.Body.WriteAsync(envelope, http.RequestAborted);
    }

    public static string ContentType(SoapVersion version) =>
        version == SoapVersion.Soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";

    /// <summary>
    /// The text with every character XML 1.0 cannot carry replaced by U+FFFD: control characters other than
    /// tab, line feed and carriage return (a parser's message quotes the byte it choked on), U+FFFE, U+FFFF
    /// and lone surrogates. Without this the writer throws and the caller gets an empty 500.
    /// </summary>
    public static string XmlSafe(string text)
    {
        var i = 0;
        while (i < text.Length && XmlConvert.IsXmlChar(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var safe = new StringBuilder(text.Length).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (XmlConvert.IsXmlChar(c))
            {
                safe.Append(c);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                safe.Append(c).Append(text[++i]);
            }
            else
            {
                safe.Append('\uFFFD');
            }
        }

        return safe.ToString();
    }

    private static void WriteDetail(XmlWriter xml, IpsFault fault, string reason)
    {
        var element = fault.Kind switch
        {
            FaultKind.Authentication => "authenticationFault",
            FaultKind.Authorization => "authorizationFault",
            _ => "ipsApiFault",
        };
        xml.WriteStartElement(element, IpsApiNamespaces.Common);
        xml.WriteElementString("code", IpsApiNamespaces.Common, fault.Code.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("reason", IpsApiNamespaces.Common, reason);
        xml.WriteEndElement();
    }
}
