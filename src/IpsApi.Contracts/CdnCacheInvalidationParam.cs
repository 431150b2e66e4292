using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(AnonymousType = true, Namespace = IpsApiNamespaces.Body)]
public sealed class CdnCacheInvalidationParam
{
    [XmlElement("companyHandle", Order = 0)]
    public string CompanyHandle { get; set; } = "";

    [XmlElement("urlArray", Order = 1)]
    public UrlArray UrlArray { get; set; } = new();

    [XmlElement("emailConfirmation", Order = 2)]
    public EmailConfirmation? EmailConfirmation { get; set; }
}
