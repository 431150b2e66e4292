using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(AnonymousType = true, Namespace = IpsApiNamespaces.Body)]
public sealed class CdnCacheInvalidationReturn
{
    [XmlElement("invalidationHandle", Order = 0)]
    public string InvalidationHandle { get; set; } = "";

    [XmlElement("estimatedSeconds", Order = 1)]
    public int EstimatedSeconds { get; set; }
}
