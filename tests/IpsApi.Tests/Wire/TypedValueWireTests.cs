using System.Net;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>
/// Envelopes that declare their namespaces on the Envelope and type simple values with <c>xsi:type</c>,
/// as Perl SOAP::Lite and other RPC-era toolkits write them.
/// </summary>
public sealed class TypedValueWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task SoapLiteEnvelope_TypedValuesWithPrefixesFromTheEnvelope_IsStored()
    {
        var company = await Server.AddCompanyAsync();
        string[] urls = [PostgresServerFixture.Url(company, "perl-1?$thumb$"), PostgresServerFixture.Url(company, "perl-2")];

        var reply = await Server.PostAsync(Envelopes.SoapLiteInvalidate(fixture.Admin, company.Handle, urls), "\"cdnCacheInvalidation\"");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
        var stored = await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().Include(r => r.Batches).SingleAsync(r => r.CompanyId == company.Id));
        Assert.Equal(reply.Handle, stored.Handle);
        Assert.Equal(urls, stored.Batches.SelectMany(b => b.Urls));
    }

    [Fact]
    public async Task SoapLiteStatus_TypedHandle_ReadsTheStatus()
    {
        var handle = (await Server.PostAsync(Envelopes.SoapLiteInvalidate(fixture.Admin, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "perl")]))).Handle;

        var reply = await Server.PostAsync(Envelopes.SoapLiteStatus(fixture.Admin, handle), "\"getCdnCacheInvalidationStatus\"");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Received", reply.Value("status"));
    }

    [Theory]
    [InlineData("xsd:string")]
    [InlineData("xsd:anyURI")]
    [InlineData("xsd:token")]
    [InlineData("xsd:normalizedString")]
    [InlineData("xs:string")]
    [InlineData("q1:anyURI")]
    public async Task StringLikeXsiType_OnStringValues_IsAccepted(string xsiType)
    {
        // xs is declared on the Body, q1 on the element itself: any prefix bound to the XSD namespace will do.
        var envelope = Envelopes.SoapLiteInvalidate(fixture.Admin, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "typed")])
            .Replace("<soap:Body>", "<soap:Body xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">", StringComparison.Ordinal)
            .Replace("<items xsi:type=\"xsd:anyURI\">", $"<items xmlns:q1=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"{xsiType}\">", StringComparison.Ordinal)
            .Replace("<companyHandle xsi:type=\"xsd:string\">", $"<companyHandle xmlns:q1=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"{xsiType}\">", StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Fact]
    public async Task BooleanXsiType_OnABoolean_IsAcceptedAndStored()
    {
        var company = await Server.AddCompanyAsync();
        var email = "<emailConfirmation><ccOriginator xsi:type=\"xsd:boolean\">true</ccOriginator>"
            + "<ccOthersArray><items xsi:type=\"xsd:string\">ops@example.test</items></ccOthersArray></emailConfirmation>";

        var reply = await Server.PostAsync(Envelopes.SoapLiteInvalidate(fixture.Admin, company.Handle, [PostgresServerFixture.Url(company, "a")], email));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var stored = await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync(r => r.CompanyId == company.Id));
        Assert.True(stored.EmailCcOriginator);
        Assert.Equal(["ops@example.test"], stored.EmailOthers);
    }

    [Fact]
    public async Task AcceptedXsiType_ValueIsStillCheckedByTheDeclaredType()
    {
        var email = "<emailConfirmation><ccOriginator xsi:type=\"xsd:boolean\">maybe</ccOriginator></emailConfirmation>";
        var reply = await Server.PostAsync(Envelopes.SoapLiteInvalidate(fixture.Admin, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")], email));

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("ccOriginator", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("companyHandle", "xsd:int")]
    [InlineData("companyHandle", "xsd:boolean")]
    [InlineData("companyHandle", "xsd:date")]
    [InlineData("companyHandle", "xsd:noSuchType")]
    [InlineData("companyHandle", "soapenc:string")]
    [InlineData("companyHandle", "undeclared:string")]
    [InlineData("companyHandle", "string")]
    [InlineData("urlArray", "xsd:string")]
    [InlineData("urlArray", "soapenc:Array")]
    [InlineData("urlArray", "ips:UrlArray")]
    [InlineData("cdnCacheInvalidationParam", "xsd:anyType")]
    public async Task OtherXsiType_Faults30003NamingIt(string element, string xsiType)
    {
        var company = await Server.AddCompanyAsync();
        var envelope = Envelopes.SoapLiteInvalidate(fixture.Admin, company.Handle, [PostgresServerFixture.Url(company, "a")])
            .Replace("<soap:Body>", $"<soap:Body xmlns:ips=\"{Envelopes.BodyNs}\">", StringComparison.Ordinal)
            .Replace("<companyHandle xsi:type=\"xsd:string\">", "<companyHandle>", StringComparison.Ordinal)
            .Replace($"<{element}", $"<{element} xsi:type=\"{xsiType}\"", StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains($"xsi:type '{xsiType}'", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task XsiNilOnARequiredValue_Faults30003()
    {
        var envelope = Envelopes.SoapLiteInvalidate(fixture.Admin, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")])
            .Replace($"<companyHandle xsi:type=\"xsd:string\">{fixture.CompanyA.Handle}</companyHandle>", "<companyHandle xsi:nil=\"true\"/>", StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("nil", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaProblem_IsReportedWithItsLineAndPosition()
    {
        var envelope = Envelopes.SoapLiteInvalidate(fixture.Admin, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")])
            .Replace("<soap:Body>", "\n<soap:Body>\n", StringComparison.Ordinal)
            .Replace("<urlArray>", "<bogus/><urlArray>", StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Matches(@"'bogus'[^()]*\(line 3, position \d+\)", reply.Fault.Reason);
        Assert.DoesNotContain("xsi:type", reply.Fault.Reason, StringComparison.Ordinal);
    }
}
