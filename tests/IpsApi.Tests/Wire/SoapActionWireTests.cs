using System.Net;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>SOAPAction (and SOAP 1.2's <c>action</c>) names the operation by the name it ends with, in the forms toolkits write.</summary>
public sealed class SoapActionWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    private string OneUrl(IpsApi.Core.Companies.Company company, string envelopeNs = Envelopes.Soap11) =>
        Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "a")], envelopeNs: envelopeNs);

    [Theory]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14#cdnCacheInvalidationParam\"")]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14#cdnCacheInvalidation\"")]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14/cdnCacheInvalidation\"")]
    [InlineData("urn:cdnCacheInvalidation")]
    [InlineData("\"cdnCacheInvalidationParam\"")]
    public async Task SoapAction_EndingWithTheOperationName_IsAccepted(string action)
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Server.PostAsync(OneUrl(company), action);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(reply.Handle, await Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).Select(r => r.Handle).SingleAsync()));
    }

    [Fact]
    public async Task SoapLiteDefaultAction_OnAStatusBody_RunsTheStatusOperation()
    {
        var handle = (await Server.PostAsync(OneUrl(fixture.CompanyA))).Handle;
        var reply = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), handle),
            Envelopes.SoapLiteAction("getCdnCacheInvalidationStatusParam"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Received", reply.Value("status"));
    }

    [Fact]
    public async Task SoapLiteEnvelope_WithItsDefaultAction_IsStored()
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Server.PostAsync(Envelopes.SoapLiteInvalidate(fixture.Admin, company.Handle, [PostgresServerFixture.Url(company, "perl")]),
            Envelopes.SoapLiteAction("cdnCacheInvalidationParam"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(reply.Handle, await Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).Select(r => r.Handle).SingleAsync()));
    }

    [Theory]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14#getCdnCacheInvalidationStatusParam\"")]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14/getCdnCacheInvalidationStatus\"")]
    [InlineData("urn:getCdnCacheInvalidationStatus")]
    [InlineData("\"http://example.test/notcdnCacheInvalidation\"")]
    [InlineData("\"cdnCacheInvalidationStatus\"")]
    public async Task SoapAction_NamingAnotherOperation_Faults30003AndStoresNothing(string action)
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Server.PostAsync(OneUrl(company), action);

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("names a different operation", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Theory]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14#cdnCacheInvalidationParam\"")]
    [InlineData("\"urn:cdnCacheInvalidation\"")]
    [InlineData("\"http://www.scene7.com/IpsApi/xsd/2012-02-14/cdnCacheInvalidation\"")]
    public async Task Soap12ActionParameter_EndingWithTheOperationName_IsAccepted(string action)
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA, Envelopes.Soap12), contentType: $"application/soap+xml; charset=utf-8; action={action}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Fact]
    public async Task Soap12ActionParameter_NamingAnotherOperation_Faults30003()
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA, Envelopes.Soap12),
            contentType: "application/soap+xml; charset=utf-8; action=\"urn:getCdnCacheInvalidationStatus\"");

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.StartsWith("application/soap+xml", reply.Response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }
}
