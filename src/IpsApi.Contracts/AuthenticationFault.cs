using System.Xml.Serialization;

namespace IpsApi.Contracts;

/// <summary>The <c>authenticationFault</c> fault detail.</summary>
[XmlRoot("authenticationFault", Namespace = IpsApiNamespaces.Common)]
[XmlType("AuthenticationFault", Namespace = IpsApiNamespaces.Common)]
public sealed class AuthenticationFault
{
    [XmlElement("code", Order = 0)]
    public int Code { get; set; }

    [XmlElement("reason", Order = 1)]
    public string Reason { get; set; } = "";
}
