using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(Namespace = IpsApiNamespaces.Body)]
public sealed class EmailConfirmation
{
    [XmlElement("ccOriginator", Order = 0)]
    public bool CcOriginator { get; set; }

    [XmlIgnore]
    public bool CcOriginatorSpecified { get; set; }

    [XmlElement("ccOthersArray", Order = 1)]
    public EmailArray? CcOthersArray { get; set; }
}
