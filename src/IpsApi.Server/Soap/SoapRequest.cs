using System.Xml;

namespace IpsApi.Server.Soap;

/// <summary>A request envelope as read by <see cref="SoapRequestReader"/>.</summary>
public sealed class SoapRequest
{
    public SoapVersion Version { get; init; }

    public AuthHeaderValues Headers { get; } = new();

    /// <summary>The qualified name of the single element in the Body.</summary>
    public XmlQualifiedName? BodyElement { get; set; }

    /// <summary>The operation the body element names, or null when it names none.</summary>
    public string? Operation { get; set; }

    /// <summary>What is wrong with the body by the schema (empty when it is valid).</summary>
    public List<string> Problems { get; } = [];
}
