using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(Namespace = IpsApiNamespaces.Body)]
public sealed class OperationFaultArray
{
    [XmlElement("items")]
    public List<OperationFault> Items { get; set; } = [];
}
