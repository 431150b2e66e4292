using System.Net;
using System.Text;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>Compressed request bodies, as PHP's SoapClient sends them with SOAP_COMPRESSION_GZIP or _DEFLATE.</summary>
public sealed class ContentEncodingWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("deflate")]
    [InlineData("deflate-raw")]
    [InlineData("identity")]
    [InlineData("GZIP")]
    public async Task CompressedBody_IsDecodedAndStored(string encoding)
    {
        var company = await Server.AddCompanyAsync();
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "php")]);

        var reply = await Server.PostEncodedAsync(ContentCodings.Encode(Encoding.UTF8.GetBytes(envelope), encoding), encoding == "deflate-raw" ? "deflate" : encoding);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(reply.Handle, await Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).Select(r => r.Handle).SingleAsync()));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("compress")]
    [InlineData("gzip, br")]
    public async Task OtherContentEncoding_Is415Fault(string encoding)
    {
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]);

        var reply = await Server.PostEncodedAsync(Encoding.UTF8.GetBytes(envelope), encoding);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("Content-Encoding", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task CorruptCompressedBody_Faults30003(string encoding)
    {
        var reply = await Server.PostEncodedAsync(Encoding.UTF8.GetBytes("<soapenv:Envelope>not compressed at all</soapenv:Envelope>"), encoding);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains(encoding, reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GzipBodyWithADoctype_IsRefusedAsAPlainOneIs()
    {
        var envelope = "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY e \"x\">]>"
            + Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), "&e;", [PostgresServerFixture.Url(fixture.CompanyA, "a")]).Replace("&amp;e;", "&e;", StringComparison.Ordinal);

        var reply = await Server.PostEncodedAsync(ContentCodings.Encode(Encoding.UTF8.GetBytes(envelope), "gzip"), "gzip");

        Assert.Equal(("ipsApiFault", 30003, "DOCTYPE declarations are not accepted in requests."), reply.Fault);
    }

    [Fact]
    public async Task GzipBody_DecodedJustOverTheLimit_Is413()
    {
        var limit = IpsApi.Server.Soap.SoapEndpointOptions.DefaultMaxRequestBodyBytes;
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]);
        var padded = Encoding.UTF8.GetBytes(envelope.PadRight((int)limit + 1));

        var over = await Server.PostEncodedAsync(ContentCodings.Encode(padded, "gzip"), "gzip");
        var atLimit = await Server.PostEncodedAsync(ContentCodings.Encode(padded.AsSpan(0, (int)limit).ToArray(), "gzip"), "gzip");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, 30003), (over.Status, over.Fault.Code));
        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
    }
}
