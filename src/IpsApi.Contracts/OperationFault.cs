using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(Namespace = IpsApiNamespaces.Body)]
public sealed class OperationFault
{
    [XmlElement("code", Order = 0)]
    public int Code { get; set; }

    [XmlElement("reason", Order = 1)]
    public string Reason { get; set; } = "";
}
