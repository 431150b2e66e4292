using System.IO.Compression;
using System.Net;
using System.Text;
using System.Xml.Linq;
using IpsApi.Core.Faults;
using IpsApi.Server.Soap;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>Every error path answers a well-formed fault, whatever characters the reason picked up on the way.</summary>
public sealed class FaultReasonSafetyTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    private string OneUrl => Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]);

    [Theory]
    [InlineData('\u0001')]
    [InlineData('\u001F')]
    [InlineData('\u0008')]
    public async Task RawControlByteInTheBody_GetsAWellFormedFault(char control)
    {
        var envelope = OneUrl.Replace(fixture.CompanyA.Handle, fixture.CompanyA.Handle + control, StringComparison.Ordinal);

        var reply = await Server.PostBytesAsync(Encoding.UTF8.GetBytes(envelope));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.StartsWith("The request is not a readable SOAP envelope", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(control, reply.Body);
    }

    [Fact]
    public async Task GzipBodyWithoutContentEncoding_GetsAWellFormedFault()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(OneUrl));
        }

        var reply = await Server.PostBytesAsync(buffer.ToArray());

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.DoesNotContain('\u001F', reply.Body);
    }

    [Theory]
    [InlineData(SoapVersion.Soap11)]
    [InlineData(SoapVersion.Soap12)]
    public void FaultWriter_ReplacesCharactersXmlCannotCarry(SoapVersion version)
    {
        var reason = "unit\u001Fsep \uD800lone \uDC00low \uFFFEnon-char \u0000nul, kept: \uD83D\uDE00 \t\n \u00e9";

        var envelope = XDocument.Parse(Encoding.UTF8.GetString(SoapFaultWriter.Write(version, IpsFault.InvalidRequestXml(reason))), LoadOptions.PreserveWhitespace);

        var written = (string)envelope.Descendants(XName.Get("reason", Envelopes.CommonNs)).Single();
        Assert.Equal("unit\uFFFDsep \uFFFDlone \uFFFDlow \uFFFDnon-char \uFFFDnul, kept: \uD83D\uDE00 \t\n \u00e9", written);
    }
}
