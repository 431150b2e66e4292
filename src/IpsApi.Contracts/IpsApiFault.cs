using System.Xml.Serialization;

namespace IpsApi.Contracts;

/// <summary>The <c>ipsApiFault</c> fault detail.</summary>
[XmlRoot("ipsApiFault", Namespace = IpsApiNamespaces.Common)]
[XmlType("IpsApiFault", Namespace = IpsApiNamespaces.Common)]
public sealed class IpsApiFault
{
    [XmlElement("code", Order = 0)]
    public int Code { get; set; }

    [XmlElement("reason", Order = 1)]
    public string Reason { get; set; } = "";
}
