using System.Net;
using System.Xml.Linq;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>The served WSDL and XSDs, and real responses checked against the XSDs by xmllint.</summary>
public sealed class ContractDocumentTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace WsdlSoap = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";

    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("/scene7/webservice/IpsApi-2012-02-14.wsdl")]
    [InlineData("/scene7/services/IpsApiService?wsdl")]
    [InlineData("/scene7/services/IpsApiService?WSDL")]
    public async Task Wsdl_IsServedWithTheAddressAndSchemasOfTheHostUsed(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "ips.example.test:8443";
        var response = await Server.Http.SendAsync(request);
        var wsdl = XDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("http://ips.example.test:8443/scene7/services/IpsApiService",
            (string?)wsdl.Descendants(WsdlSoap + "address").Single().Attribute("location"));
        Assert.Equal(
            ["http://ips.example.test:8443/scene7/webservice/IpsApi-2012-02-14.xsd", "http://ips.example.test:8443/scene7/webservice/IpsApi.xsd"],
            wsdl.Descendants(Xsd + "import").Select(i => (string?)i.Attribute("schemaLocation")));
    }

    [Fact]
    public async Task Wsdl_DeclaresBothOperationsWithSoapActionHeaderAndFaults()
    {
        var wsdl = XDocument.Parse(await Server.Http.GetStringAsync("/scene7/webservice/IpsApi-2012-02-14.wsdl"));
        var binding = wsdl.Root!.Element(Wsdl + "binding")!;
        foreach (var name in new[] { "cdnCacheInvalidation", "getCdnCacheInvalidationStatus" })
        {
            var operation = binding.Elements(Wsdl + "operation").Single(o => (string?)o.Attribute("name") == name);
            Assert.Equal(name, (string?)operation.Element(WsdlSoap + "operation")!.Attribute("soapAction"));
            Assert.Equal("authHeader", (string?)operation.Element(Wsdl + "input")!.Element(WsdlSoap + "header")!.Attribute("part"));
            Assert.Equal(["authenticationFault", "authorizationFault", "ipsApiFault"], operation.Elements(Wsdl + "fault").Select(f => (string?)f.Attribute("name")));
        }

        Assert.DoesNotContain("unbounded", wsdl.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaLocations_ResolveOverHttp()
    {
        var wsdl = XDocument.Parse(await Server.Http.GetStringAsync("/scene7/services/IpsApiService?wsdl"));
        foreach (var location in wsdl.Descendants(Xsd + "import").Select(i => (string)i.Attribute("schemaLocation")!))
        {
            var schema = XDocument.Parse(await Server.Http.GetStringAsync(new Uri(location).PathAndQuery));
            Assert.Equal(Xsd + "schema", schema.Root!.Name);
            Assert.DoesNotContain("unbounded", schema.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownSchemaFile_Is404()
    {
        var response = await Server.Http.GetAsync("/scene7/webservice/secret.xsd");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("IpsApi-2012-02-14.xsd", "<p:getCdnCacheInvalidationStatusParam xmlns:p=\"http://www.scene7.com/IpsApi/xsd/2012-02-14\"><p:invalidationHandle>i|1|1|x</p:invalidationHandle></p:getCdnCacheInvalidationStatusParam>")]
    [InlineData("IpsApi.xsd", "<a:authHeader xmlns:a=\"http://www.scene7.com/IpsApi/xsd\"><a:user>u@example.test</a:user><a:password>p</a:password><a:faultHttpStatusCode>200</a:faultHttpStatusCode></a:authHeader>")]
    public async Task ShippedSchema_CompilesInXmllintAndAcceptsASample(string file, string sample)
    {
        var valid = await Xmllint.ValidateAsync(sample, file);
        var stranger = await Xmllint.ValidateAsync("<nothing/>", file);

        Assert.True(valid.ExitCode == 0, valid.Output);
        Assert.NotEqual(0, stranger.ExitCode);
        Assert.Contains("No matching global declaration available for the validation root", stranger.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealResponses_AreValidByTheShippedSchemas()
    {
        var accept = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]));
        var status = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), accept.Handle));
        var fault = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, ["ftp://x"]));
        var authFault = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email, "bad-password"), fixture.CompanyA.Handle, ["x"]));

        await AssertValid(BodyChild(accept), "IpsApi-2012-02-14.xsd");
        await AssertValid(BodyChild(status), "IpsApi-2012-02-14.xsd");
        await AssertValid(Detail(fault), "IpsApi.xsd");
        await AssertValid(Detail(authFault), "IpsApi.xsd");
    }

    [Fact]
    public async Task Xmllint_RejectsAResponseThatBreaksTheSchema()
    {
        var accept = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]));
        var broken = BodyChild(accept).Replace("estimatedSeconds>1<", "estimatedSeconds>soon<", StringComparison.Ordinal);
        var (exitCode, _) = await Xmllint.ValidateAsync(broken, "IpsApi-2012-02-14.xsd");
        Assert.NotEqual(0, exitCode);
    }

    private static async Task AssertValid(string xml, string schema)
    {
        var (exitCode, output) = await Xmllint.ValidateAsync(xml, schema);
        Assert.True(exitCode == 0, $"xmllint: {output}\n{xml}");
    }

    private static string BodyChild(SoapReply reply) =>
        reply.Xml.Root!.Elements().Single(e => e.Name.LocalName == "Body").Elements().Single().ToString(SaveOptions.DisableFormatting);

    private static string Detail(SoapReply reply) =>
        reply.Xml.Descendants().Single(e => e.Name.LocalName is "detail" or "Detail").Elements().Single().ToString(SaveOptions.DisableFormatting);
}
