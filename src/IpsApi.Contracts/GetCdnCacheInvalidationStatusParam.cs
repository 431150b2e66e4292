using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(AnonymousType = true, Namespace = IpsApiNamespaces.Body)]
public sealed class GetCdnCacheInvalidationStatusParam
{
    [XmlElement("invalidationHandle", Order = 0)]
    public string InvalidationHandle { get; set; } = "";
}
