using System.Globalization;
using System.Xml;

namespace IpsApi.Server.Soap;

/// <summary>
/// An <see cref="XmlReader"/> that refuses elements nested deeper than a limit the moment it reads one, and
/// stops when the request is aborted. Every read of the envelope goes through it (skipping an unknown header
/// too: <see cref="XmlReader.Skip"/> reads through <see cref="Read"/>), so a deeply nested document costs at
/// most the limit's worth of nesting before it is refused, in header or body alike.
/// </summary>
internal sealed class BoundedXmlReader(XmlReader inner, int maxDepth, CancellationToken cancellationToken)
    : XmlReader, IXmlNamespaceResolver, IXmlLineInfo
{
    private readonly IXmlLineInfo? lineInfo = inner as IXmlLineInfo;

    public override int AttributeCount => inner.AttributeCount;

    public override string BaseURI => inner.BaseURI;

    public override int Depth => inner.Depth;

    public override bool EOF => inner.EOF;

    public override bool IsEmptyElement => inner.IsEmptyElement;

    public override string LocalName => inner.LocalName;

    public override string Name => inner.Name;

    public override string NamespaceURI => inner.NamespaceURI;

    public override XmlNameTable NameTable => inner.NameTable;

    public override XmlNodeType NodeType => inner.NodeType;

    public override string Prefix => inner.Prefix;

    public override ReadState ReadState => inner.ReadState;

    public override string Value => inner.Value;

    public override bool HasValue => inner.HasValue;

    public int LineNumber => lineInfo?.LineNumber ?? 0;

    public int LinePosition => lineInfo?.LinePosition ?? 0;

    /// <summary>Reads the next node; an element deeper than the limit (the Envelope is level 1) is refused.</summary>
    /// <exception cref="SoapReadException">The element just read is nested deeper than the limit.</exception>
    /// <exception cref="OperationCanceledException">The request was aborted.</exception>
    public override bool Read()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!inner.Read())
        {
            return false;
        }

        if (inner.NodeType == XmlNodeType.Element && inner.Depth >= maxDepth)
        {
            throw new SoapReadException(string.Create(CultureInfo.InvariantCulture,
                $"Elements are nested more than {maxDepth} levels deep, the most a request may nest ('{inner.Name}' at line {LineNumber}, position {LinePosition})."));
        }

        return true;
    }

    public override string GetAttribute(int i) => inner.GetAttribute(i);

    public override string? GetAttribute(string name) => inner.GetAttribute(name);

    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);

    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);

    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);

    public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);

    public override bool MoveToElement() => inner.MoveToElement();

    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();

    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();

    public override bool ReadAttributeValue() => inner.ReadAttributeValue();

    public override void ResolveEntity() => inner.ResolveEntity();

    public bool HasLineInfo() => lineInfo?.HasLineInfo() ?? false;

    public IDictionary<string, string> GetNamespacesInScope(XmlNamespaceScope scope) =>
        ((IXmlNamespaceResolver)inner).GetNamespacesInScope(scope);

    public string? LookupPrefix(string namespaceName) => ((IXmlNamespaceResolver)inner).LookupPrefix(namespaceName);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
