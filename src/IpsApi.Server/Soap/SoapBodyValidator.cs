using System.Globalization;
using System.Xml;
using System.Xml.Schema;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Soap;

/// <summary>
/// Validates the operation element against the shipped XSD in the envelope reader's own pass: an
/// <see cref="XmlSchemaValidator"/> is pushed each node of the outer reader, and that reader resolves
/// prefixes, so a namespace declared anywhere on the envelope (SOAP::Lite declares <c>xsd</c> and
/// <c>xsi</c> on the Envelope) is in scope. <c>xsi:type</c> is decided here, not by the validator:
/// a built-in type that fits the declared one is accepted and the value is checked by the declared
/// type; any other is a problem naming it.
/// </summary>
internal static class SoapBodyValidator
{
    private const int ProblemsKept = 5;
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    private const string AcceptedXsiTypes = "a value may be typed only as xsd:string, xsd:anyURI, xsd:token or xsd:normalizedString "
        + "where the schema says string, and as xsd:int or xsd:boolean where it says int or boolean";

    private static readonly XmlSchemaSimpleType StringType = XmlSchemaType.GetBuiltInSimpleType(XmlTypeCode.String);

    /// <summary>
    /// Validates from the operation element (the reader's current node) to its end, and leaves the reader on
    /// the node after it. Adds what is wrong to <paramref name="problems"/> (at most five, plus the
    /// urlArray count). Accepted <c>xsi:type</c> attributes stay in the body: the dispatcher's XmlSerializer reads
    /// such values by the contract's member types and ignores them.
    /// </summary>
    public static void Validate(XmlReader reader, XmlSchemaSet schemas, List<string> problems)
    {
        var resolver = reader as IXmlNamespaceResolver
            ?? throw new InvalidOperationException("The envelope reader must resolve namespace prefixes.");
        var lineInfo = reader as IXmlLineInfo;
        var validator = new XmlSchemaValidator(reader.NameTable, schemas, resolver, XmlSchemaValidationFlags.ReportValidationWarnings)
        {
            XmlResolver = null,
            LineInfoProvider = lineInfo,
        };
        validator.ValidationEventHandler += (_, e) =>
            Add(problems, string.Create(CultureInfo.InvariantCulture, $"{e.Message} (line {e.Exception.LineNumber}, position {e.Exception.LinePosition})"));
        validator.Initialize();

        var baseDepth = reader.Depth;
        var info = new XmlSchemaInfo();
        var path = new string[64];
        var urlItems = 0;
        var emailItems = 0;
        // The text of an element that any text fits (see AnyTextFits) is not handed to the validator: a thousand
        // URLs would each become a string here only to be accepted unread, and again in the dispatcher.
        var anyTextFits = false;
        while (true)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var depth = reader.Depth - baseDepth;
                    if (depth < path.Length)
                    {
                        path[depth] = reader.LocalName;
                        if (depth == 2 && path[1] == "urlArray" && reader.LocalName == "items")
                        {
                            urlItems++;
                        }
                        else if (depth == 3 && path[1] == "emailConfirmation" && path[2] == "ccOthersArray" && reader.LocalName == "items")
                        {
                            emailItems++;
                        }
                    }

                    anyTextFits = ValidateStartTag(reader, validator, info, problems, lineInfo);
                    if (reader.IsEmptyElement)
                    {
                        validator.ValidateEndElement(info);
                        anyTextFits = false;
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA when !anyTextFits:
                    validator.ValidateText(reader.Value);
                    break;
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when !anyTextFits:
                    validator.ValidateWhitespace(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    validator.ValidateEndElement(info);
                    anyTextFits = false;
                    break;
            }

            if (reader.Depth == baseDepth && (reader.NodeType == XmlNodeType.EndElement || reader.IsEmptyElement))
            {
                break;
            }

            if (!reader.Read())
            {
                throw new SoapReadException("The envelope ends inside the operation element.");
            }
        }

        validator.EndValidation();
        if (urlItems > InvalidationOptions.MaxUrlsPerRequest)
        {
            problems.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"urlArray holds {urlItems} items; at most {InvalidationOptions.MaxUrlsPerRequest} URLs may be invalidated in one request."));
        }

        // The schema's own message for a sixth address names only an unexpected element; say the limit.
        if (emailItems > InvalidationOptions.MaxEmailAddresses)
        {
            problems.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"ccOthersArray holds {emailItems} addresses; at most {InvalidationOptions.MaxEmailAddresses} may be given."));
        }

        reader.Read();
    }

    /// <summary>Validates an element's start tag and attributes; true when any text fits the element (<see cref="AnyTextFits"/>).</summary>
    private static bool ValidateStartTag(XmlReader reader, XmlSchemaValidator validator, XmlSchemaInfo info, List<string> problems, IXmlLineInfo? lineInfo)
    {
        string? xsiType = null;
        string? xsiNil = null;
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI == XmlSchema.InstanceNamespace)
                {
                    switch (reader.LocalName)
                    {
                        case "type": xsiType = reader.Value; break;
                        case "nil": xsiNil = reader.Value; break;
                    }
                }
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }

        // The declared type decides; xsi:type is checked against it below instead of replacing it. An element
        // without one sits where the validator already reported a problem: it stopped assessing there.
        validator.ValidateElement(reader.LocalName, reader.NamespaceURI, info, null, xsiNil, null, null);
        if (xsiType is not null && (info.SchemaType is not null || problems.Count == 0) && !AcceptsXsiType(reader, xsiType, info.SchemaType))
        {
            Add(problems, string.Create(CultureInfo.InvariantCulture,
                $"The xsi:type '{xsiType}' of element '{reader.Name}' is not accepted: {AcceptedXsiTypes} (line {lineInfo?.LineNumber}, position {lineInfo?.LinePosition})"));
        }

        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI != XmlnsNamespace && !(reader.NamespaceURI == XmlSchema.InstanceNamespace && reader.LocalName == "type"))
                {
                    validator.ValidateAttribute(reader.LocalName, reader.NamespaceURI, reader.Value, null);
                }
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }

        validator.ValidateEndOfAttributes(null);
        return xsiNil is null && AnyTextFits(info);
    }

    /// <summary>
    /// An element declared as plain <c>xsd:string</c> (no facets, no fixed value) accepts any text XML can carry, so
    /// its text need not be validated. Not one whose <c>xsi:nil</c> forbids content, which is left to the validator.
    /// </summary>
    private static bool AnyTextFits(XmlSchemaInfo info) =>
        info.Validity != XmlSchemaValidity.Invalid
        && info.SchemaType is XmlSchemaSimpleType { QualifiedName: var type } && type == StringType.QualifiedName
        && info.SchemaElement is { FixedValue: null };

    /// <summary>A built-in XSD type (under any prefix bound to the XSD namespace) that fits the element's simple type.</summary>
    private static bool AcceptsXsiType(XmlReader reader, string xsiType, XmlSchemaType? declared)
    {
        var colon = xsiType.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? "" : xsiType[..colon];
        var localName = xsiType[(colon + 1)..];
        if (reader.LookupNamespace(prefix) != XmlSchema.Namespace || declared is not XmlSchemaSimpleType simple)
        {
            return false;
        }

        return localName switch
        {
            "string" or "anyURI" or "token" or "normalizedString" => XmlSchemaType.IsDerivedFrom(simple, StringType, XmlSchemaDerivationMethod.Empty),
            "int" => simple.TypeCode == XmlTypeCode.Int,
            "boolean" => simple.TypeCode == XmlTypeCode.Boolean,
            _ => false,
        };
    }

    private static void Add(List<string> problems, string problem)
    {
        if (problems.Count < ProblemsKept)
        {
            problems.Add(problem);
        }
    }
}
