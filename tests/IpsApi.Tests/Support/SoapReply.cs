using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IpsApi.Tests.Support;

public sealed partial record SoapReply(HttpStatusCode Status, string Body, HttpResponseMessage Response)
{
    private static readonly XNamespace Common = Envelopes.CommonNs;
    private static readonly XNamespace BodyNs = Envelopes.BodyNs;

    public XDocument Xml => XDocument.Parse(Body);

    /// <summary>The detail element's name, code and reason.</summary>
    public (string Element, int Code, string Reason) Fault
    {
        get
        {
            var detail = Xml.Descendants().Single(e => e.Name.Namespace == Common && e.Name.LocalName.EndsWith("Fault", StringComparison.Ordinal));
            return (detail.Name.LocalName, (int)detail.Element(Common + "code")!, (string)detail.Element(Common + "reason")!);
        }
    }

    public string Value(string element) => (string)Xml.Descendants(BodyNs + element).Single();

    public string Handle => Value("invalidationHandle");

    /// <summary>The body with the (random) invalidation handle replaced by HANDLE, after checking its shape.</summary>
    public string BodyWithHandlePlaceholder()
    {
        Assert.Matches(HandlePattern(), Handle);
        return Body.Replace(Handle, "HANDLE", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^i\|\d+\|\d+\|[A-Za-z0-9_-]{22}$")]
    public static partial Regex HandlePattern();
}
