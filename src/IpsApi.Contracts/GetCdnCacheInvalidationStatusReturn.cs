using System.Xml.Serialization;

namespace IpsApi.Contracts;

[XmlType(AnonymousType = true, Namespace = IpsApiNamespaces.Body)]
public sealed class GetCdnCacheInvalidationStatusReturn
{
    [XmlElement("status", Order = 0)]
    public string Status { get; set; } = "";

    [XmlElement("estimatedSeconds", Order = 1)]
    public int EstimatedSeconds { get; set; }

    [XmlElement("successCount", Order = 2)]
    public int SuccessCount { get; set; }

    [XmlElement("warningCount", Order = 3)]
    public int WarningCount { get; set; }

    [XmlElement("errorCount", Order = 4)]
    public int ErrorCount { get; set; }

    [XmlElement("warningDetailArray", Order = 5)]
    public OperationFaultArray? WarningDetailArray { get; set; }

    [XmlElement("errorDetailArray", Order = 6)]
    public OperationFaultArray? ErrorDetailArray { get; set; }
}
