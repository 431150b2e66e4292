using System.Xml.Serialization;

namespace IpsApi.Contracts;

/// <summary>The <c>authHeader</c> SOAP header.</summary>
[XmlType(AnonymousType = true, Namespace = IpsApiNamespaces.Common)]
public sealed class AuthHeader
{
    [XmlElement("user", Order = 0)]
    public string? User { get; set; }

    [XmlElement("password", Order = 1)]
    public string? Password { get; set; }

    [XmlElement("locale", Order = 2)]
    public string? Locale { get; set; }

    [XmlElement("appName", Order = 3)]
    public string? AppName { get; set; }

    [XmlElement("appVersion", Order = 4)]
    public string? AppVersion { get; set; }

    [XmlElement("gzipResponse", Order = 5)]
    public bool GzipResponse { get; set; }

    [XmlIgnore]
    public bool GzipResponseSpecified { get; set; }

    [XmlElement("faultHttpStatusCode", Order = 6)]
    public int FaultHttpStatusCode { get; set; }

    [XmlIgnore]
    public bool FaultHttpStatusCodeSpecified { get; set; }
}
