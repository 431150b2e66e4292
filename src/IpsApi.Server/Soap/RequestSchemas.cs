using System.Reflection;
using System.Xml;
using System.Xml.Schema;

namespace IpsApi.Server.Soap;

/// <summary>The shipped WSDL and XSDs (embedded in the assembly), and the compiled schema set that every request body is validated against.</summary>
public sealed class RequestSchemas
{
    public const string WsdlFile = "IpsApi-2012-02-14.wsdl";
    public static readonly string[] SchemaFiles = ["IpsApi-2012-02-14.xsd", "IpsApi.xsd"];

    public RequestSchemas()
    {
        Set = new XmlSchemaSet { XmlResolver = null };
        foreach (var file in SchemaFiles)
        {
            using var reader = XmlReader.Create(new StringReader(Text(file)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            Set.Add(null, reader);
        }

        Set.Compile();
    }

    public XmlSchemaSet Set { get; }

    /// <summary>The text of an embedded contract file (the WSDL or one of the XSDs).</summary>
    public static string Text(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"Contract file {file} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
