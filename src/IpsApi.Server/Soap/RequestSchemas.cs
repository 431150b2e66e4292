using System.Reflection;
using System.Xml;
using System.Xml.Schema;

namespace IpsApi.Server.Soap;

/// <summary>The shipped WSDL and XSDs (embedded in the assembly), and the compiled schema set that every request body is validated against.</summary>
public sealed class RequestSchemas
{
    public const string WsdlFile = "IpsApi-2012-02-14.wsdl";
    public static readonly string[] SchemaFiles = ["IpsApi-2012-02-14.xsd", "IpsApi.xsd"];

    /// <summary>The type whose <c>items</c> are the URLs, at most 1000 by the schema.</summary>
    private const string UrlArrayType = "UrlArray";

    public RequestSchemas()
    {
        Set = new XmlSchemaSet { XmlResolver = null };
        foreach (var file in SchemaFiles)
        {
            using var reader = XmlReader.Create(new StringReader(Text(file)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var schema = Set.Add(null, reader)!;
            if (UnboundUrlItems(schema))
            {
                Set.Reprocess(schema);
            }
        }

        Set.Compile();
    }

    public XmlSchemaSet Set { get; }

    /// <summary>
    /// Validates a URL array without its <c>maxOccurs="1000"</c>. The validator checks a bounded repetition that long
    /// with a counting content model that allocates a set of states for every item (a tenth of all the memory a
    /// 1000-URL accept allocated); an unbounded one is checked by a fixed automaton that allocates nothing per item.
    /// The limit itself is kept by <see cref="SoapBodyValidator"/>, which counts the items and names the limit in the
    /// fault. The WSDL and XSDs served to clients are the shipped text, with the limit.
    /// </summary>
    private static bool UnboundUrlItems(XmlSchema schema)
    {
        var urlArray = schema.Items.OfType<XmlSchemaComplexType>().SingleOrDefault(t => t.Name == UrlArrayType);
        if (urlArray?.Particle is not XmlSchemaSequence { Items: [XmlSchemaElement { Name: "items" } items] })
        {
            return false;
        }

        items.MaxOccursString = "unbounded";
        return true;
    }

    /// <summary>The text of an embedded contract file (the WSDL or one of the XSDs).</summary>
    public static string Text(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"Contract file {file} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
