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
                xml.WriteElementString("faultstring", fault.Reason);
                xml.WriteStartElement("detail");
                WriteDetail(xml, fault);
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
                xml.WriteString(fault.Reason);
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteStartElement("soapenv", "Detail", env);
                WriteDetail(xml, fault);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    public static string ContentType(SoapVersion version) =>
        version == SoapVersion.Soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";

    private static void WriteDetail(XmlWriter xml, IpsFault fault)
    {
        var element = fault.Kind switch
        {
            FaultKind.Authentication => "authenticationFault",
            FaultKind.Authorization => "authorizationFault",
            _ => "ipsApiFault",
        };
        xml.WriteStartElement(element, IpsApiNamespaces.Common);
        xml.WriteElementString("code", IpsApiNamespaces.Common, fault.Code.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("reason", IpsApiNamespaces.Common, fault.Reason);
        xml.WriteEndElement();
    }
}
