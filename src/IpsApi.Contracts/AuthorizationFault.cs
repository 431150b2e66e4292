using System.Xml.Serialization;

namespace IpsApi.Contracts;

/// <summary>The <c>authorizationFault</c> fault detail.</summary>
[XmlRoot("authorizationFault", Namespace = IpsApiNamespaces.Common)]
[XmlType("AuthorizationFault", Namespace = IpsApiNamespaces.Common)]
public sealed class AuthorizationFault
{
    [XmlElement("code", Order = 0)]
    public int Code { get; set; }

    [XmlElement("reason", Order = 1)]
    public string Reason { get; set; } = "";
}
