using System.Xml;

namespace IpsApi.Server.Soap;

internal static class XmlReaderExtensions
{
    /// <summary>Moves from an element to its first child element; false when it has none.</summary>
    public static bool ReadToFirstChildElement(this XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return false;
        }

        reader.Read();
        return reader.MoveToContent() == XmlNodeType.Element;
    }
}
