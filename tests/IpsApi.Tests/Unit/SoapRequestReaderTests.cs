using System.Text;
using IpsApi.Server.Soap;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Unit;

/// <summary><see cref="SoapRequestReader"/> on its own: the depth limit it is configured with, and an aborted request.</summary>
public sealed class SoapRequestReaderTests
{
    private static readonly RequestSchemas Schemas = new();

    /// <summary>Measured: 10.8 bytes per URL item, against 114.9 with the schema's maxOccurs="1000" validated as written.</summary>
    private const double MaxBytesPerUrlItem = 32;

    [Theory]
    [InlineData(8, 8, false)]
    [InlineData(8, 9, true)]
    [InlineData(64, 64, false)]
    [InlineData(64, 65, true)]
    public void ConfiguredDepth_IsTheDeepestLevelRead(int maxDepth, int deepestLevel, bool refused)
    {
        // Envelope and Header are levels 1 and 2; the header element and what it holds span the rest.
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions { MaxElementDepth = maxDepth }));
        var envelope = Envelopes.Status(Envelopes.AuthHeader("u", "p") + Header(deepestLevel - 2), "h");

        var read = () => reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), CancellationToken.None);

        if (refused)
        {
            var error = Assert.Throws<SoapReadException>(read);
            Assert.StartsWith($"Elements are nested more than {maxDepth} levels deep", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(read().Problems);
        }
    }

    [Fact]
    public void AbortedRequest_StopsReading()
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        var envelope = Envelopes.Status(Envelopes.AuthHeader("u", "p"), "h");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), new CancellationToken(canceled: true)));
    }

    /// <summary>
    /// The text of a plain <c>xsd:string</c> element (a URL item) is not handed to the schema validator, since any text
    /// fits; what is wrong around or inside such an element must still be found.
    /// </summary>
    [Theory]
    [InlineData("<ns:items>http://a.test/<ns:x/>b</ns:items>", "element")]
    [InlineData("<ns:items xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\">http://a.test/</ns:items>", "nil")]
    [InlineData("stray text<ns:items>http://a.test/</ns:items>", "text")]
    [InlineData("<ns:items xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"xsd:int\">http://a.test/</ns:items>", "xsi:type")]
    public void UrlItem_ProblemsAroundItsText_AreStillFound(string items, string named)
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader("u", "p"), "c|1", ["http://a.test/first"])
            .Replace("<ns:items>http://a.test/first</ns:items>", items, StringComparison.Ordinal);

        var problems = reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), CancellationToken.None).Problems;

        Assert.Contains(problems, p => p.Contains(named, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A URL item costs the guard next to nothing beyond its bytes: no string of its text (see above), and no state
    /// of the schema's repetition count, which the validator would allocate per item for <c>maxOccurs="1000"</c>.
    /// </summary>
    [Fact]
    public void UrlItems_AllocateAlmostNothingEach()
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        byte[] Body(int urls) => Encoding.UTF8.GetBytes(Envelopes.Invalidate(
            Envelopes.AuthHeader("u", "p"), "c|1", [.. Enumerable.Range(0, urls).Select(i => $"http://a.test/is/image/C/{i}")]));
        long Allocated(byte[] body)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Empty(reader.Read(new MemoryStream(body), CancellationToken.None).Problems);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++)
            {
                reader.Read(new MemoryStream(body), CancellationToken.None);
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 5;
        }

        var perItem = (Allocated(Body(1000)) - Allocated(Body(1))) / 999.0;

        Assert.True(perItem <= MaxBytesPerUrlItem, $"each URL item allocated {perItem:0.0} bytes");
    }

    [Fact]
    public void UrlItem_CharacterXmlForbids_IsRefused()
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader("u", "p"), "c|1", ["http://a.test/first"])
            .Replace("http://a.test/first", "http://a.test/&#1;", StringComparison.Ordinal);

        var error = Assert.Throws<System.Xml.XmlException>(() => reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), CancellationToken.None));
        Assert.Contains("0x01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UrlItems_AnyTextAtAll_HaveNoProblem()
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader("u", "p"), "c|1", ["http://a.test/ünïcode", " spaced ", "", "<not a tag>", "&amp;"])
            .Replace("<ns:items>&lt;not a tag&gt;</ns:items>", "<ns:items><![CDATA[<not a tag>]]></ns:items>", StringComparison.Ordinal);

        Assert.Empty(reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), CancellationToken.None).Problems);
    }

    /// <summary>A header element holding elements nested so that it and they span <paramref name="levels"/> levels.</summary>
    private static string Header(int levels) =>
        "<x:deep xmlns:x=\"urn:x\">" + string.Concat(Enumerable.Repeat("<a>", levels - 1)) + string.Concat(Enumerable.Repeat("</a>", levels - 1)) + "</x:deep>";
}
