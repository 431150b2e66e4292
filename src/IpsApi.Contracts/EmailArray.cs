using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(Namespace = IpsApiNamespaces.Body)]
public sealed class EmailArray
{
    [XmlElement("items")]
    public List<string> Items { get; set; } = [];
}
