using System.Net;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>Every fault path on the wire: element, code, faultcode, HTTP status and exact envelope.</summary>
public sealed class FaultWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    private string OneUrl(IpsApi.Core.Companies.Company company) =>
        Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "a")]);

    [Fact]
    public async Task Fault_Soap11_IsTheIpsShapeExactly()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, []));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault>"
            + "<faultcode>soapenv:Client</faultcode><faultstring>No URLs entered to be invalidated.</faultstring>"
            + "<detail><ipsApiFault xmlns=\"http://www.scene7.com/IpsApi/xsd\"><code>30002</code><reason>No URLs entered to be invalidated.</reason></ipsApiFault></detail>"
            + "</soapenv:Fault></soapenv:Body></soapenv:Envelope>",
            reply.Body);
    }

    [Fact]
    public async Task Fault_FromTheGuard_IsTheSameShape()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email, "wrong-password"), fixture.CompanyA.Handle, ["x"]));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault>"
            + "<faultcode>soapenv:Client</faultcode><faultstring>Invalid credentials: the user name or password is not correct.</faultstring>"
            + "<detail><authenticationFault xmlns=\"http://www.scene7.com/IpsApi/xsd\"><code>10001</code>"
            + "<reason>Invalid credentials: the user name or password is not correct.</reason></authenticationFault></detail>"
            + "</soapenv:Fault></soapenv:Body></soapenv:Envelope>",
            reply.Body);
    }

    [Fact]
    public async Task Fault_Soap12_UsesSenderCodeAndSoap12Envelope()
    {
        var reply = await Server.PostAsync(
            Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [], envelopeNs: Envelopes.Soap12),
            contentType: "application/soap+xml; charset=utf-8; action=\"cdnCacheInvalidation\"");

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.StartsWith("application/soap+xml", reply.Response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            "<soapenv:Envelope xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\"><soapenv:Body><soapenv:Fault>"
            + "<soapenv:Code><soapenv:Value>soapenv:Sender</soapenv:Value></soapenv:Code>"
            + "<soapenv:Reason><soapenv:Text xml:lang=\"en\">No URLs entered to be invalidated.</soapenv:Text></soapenv:Reason>"
            + "<soapenv:Detail><ipsApiFault xmlns=\"http://www.scene7.com/IpsApi/xsd\"><code>30002</code><reason>No URLs entered to be invalidated.</reason></ipsApiFault></soapenv:Detail>"
            + "</soapenv:Fault></soapenv:Body></soapenv:Envelope>",
            reply.Body);
    }

    [Fact]
    public async Task FaultHttpStatusCode200_AnswersFaultsWith200()
    {
        var header = Envelopes.AuthHeader(fixture.Admin, "<auth:faultHttpStatusCode>200</auth:faultHttpStatusCode>");
        var serviceFault = await Server.PostAsync(Envelopes.Invalidate(header, "c|999999", [PostgresServerFixture.Url(fixture.CompanyA, "a")]));
        var guardFault = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, ["x"]).Replace("<ns:urlArray>", "<ns:bogus/><ns:urlArray>", StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.OK, 20000), (serviceFault.Status, serviceFault.Fault.Code));
        Assert.Equal((HttpStatusCode.OK, 30003), (guardFault.Status, guardFault.Fault.Code));
    }

    [Fact]
    public async Task UnknownCompany_And_ForeignCompany_GiveTheSame20000()
    {
        var unknown = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.CompanyAdminA), "c|999999", [PostgresServerFixture.Url(fixture.CompanyB, "a")]));
        var foreign = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.CompanyAdminA), fixture.CompanyB.Handle, [PostgresServerFixture.Url(fixture.CompanyB, "a")]));
        var garbage = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), "not-a-handle", [PostgresServerFixture.Url(fixture.CompanyB, "a")]));

        Assert.Equal(("authorizationFault", 20000), (foreign.Fault.Element, foreign.Fault.Code));
        Assert.Equal(foreign.Fault.Reason.Replace(fixture.CompanyB.Handle, "H", StringComparison.Ordinal), unknown.Fault.Reason.Replace("c|999999", "H", StringComparison.Ordinal));
        Assert.Equal(("authorizationFault", 20000), (garbage.Fault.Element, garbage.Fault.Code));
    }

    [Fact]
    public async Task CompanyAdmin_OwnCompany_IsAccepted()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.CompanyAdminA), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")]));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task ForeignHandle_And_BogusHandle_GiveTheSame20000()
    {
        var ownHandleOfB = (await Server.PostAsync(OneUrl(fixture.CompanyB))).Handle;
        var forged = ownHandleOfB[..^4] + "AAAA";

        var foreign = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.CompanyAdminA), ownHandleOfB));
        var wrongToken = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), forged));
        var bogus = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.CompanyAdminA), "i|1|1|bogus"));
        var owner = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), ownHandleOfB));

        static string Shape(SoapReply r, string handle) => r.Fault.Element + r.Fault.Code + r.Fault.Reason.Replace(handle, "H", StringComparison.Ordinal);
        Assert.Equal(("authorizationFault", 20000), (foreign.Fault.Element, foreign.Fault.Code));
        Assert.Equal(Shape(foreign, ownHandleOfB), Shape(bogus, "i|1|1|bogus"));
        Assert.Equal(Shape(foreign, ownHandleOfB), Shape(wrongToken, forged));
        Assert.Equal(HttpStatusCode.OK, owner.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OtherRole_Gets20003ForBothOperations(bool invalidate)
    {
        var header = Envelopes.AuthHeader(fixture.PlainUser);
        var reply = await Server.PostAsync(invalidate
            ? Envelopes.Invalidate(header, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")])
            : Envelopes.Status(header, "i|1|1|AAAAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(("authorizationFault", 20003), (reply.Fault.Element, reply.Fault.Code));
        Assert.StartsWith("Role IpsUser has no permission for operation", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyInWrongNamespace_Faults30003()
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA).Replace(Envelopes.BodyNs, "http://www.scene7.com/IpsApi/xsd/2008-01-15", StringComparison.Ordinal));
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("is not an operation of this service", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnqualifiedChildren_Fault30003NamingTheElement()
    {
        var body = $"<ns:cdnCacheInvalidationParam xmlns:ns=\"{Envelopes.BodyNs}\"><companyHandle>{fixture.CompanyA.Handle}</companyHandle>"
            + $"<urlArray><items>{PostgresServerFixture.Url(fixture.CompanyA, "a")}</items></urlArray></ns:cdnCacheInvalidationParam>";
        var reply = await Server.PostAsync(Envelopes.Envelope(Envelopes.AuthHeader(fixture.Admin), body));
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("companyHandle", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCompanyHandle_Faults30003()
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA).Replace($"<ns:companyHandle>{fixture.CompanyA.Handle}</ns:companyHandle>", "", StringComparison.Ordinal));
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("companyHandle", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedXml_Faults30003()
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA)[..^20]);
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.StartsWith("The request is not a readable SOAP envelope", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAnEnvelope_Faults30003()
    {
        var reply = await Server.PostAsync("<hello/>");
        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
    }

    [Fact]
    public async Task SoapActionOfAnotherOperation_IsAClientFaultNotAReroute()
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Server.PostAsync(OneUrl(company), "\"getCdnCacheInvalidationStatus\"");

        Assert.Equal(("ipsApiFault", 30003), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("<faultcode>soapenv:Client</faultcode>", reply.Body, StringComparison.Ordinal);
        Assert.Equal(0, await Server.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.InvalidationRequests, r => r.CompanyId == company.Id)));
    }

    [Theory]
    [InlineData("cdnCacheInvalidation")]
    [InlineData("\"cdnCacheInvalidation\"")]
    [InlineData("\"\"")]
    [InlineData(null)]
    public async Task SoapAction_QuotedUnquotedOrAbsent_IsAccepted(string? action)
    {
        var reply = await Server.PostAsync(OneUrl(fixture.CompanyA), action);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task StatusBody_WithoutSoapAction_RunsTheStatusOperation()
    {
        var handle = (await Server.PostAsync(OneUrl(fixture.CompanyA))).Handle;
        var reply = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), handle));
        Assert.Equal("Received", reply.Value("status"));
    }

    [Fact]
    public async Task FormPostOrOtherContentType_Is415Fault()
    {
        var reply = await Server.PostAsync("companyHandle=c%7C1", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal(30003, reply.Fault.Code);
    }

    [Theory]
    [InlineData("/scene7/services/IpsApiService/cdnCacheInvalidation?companyHandle=c%7C1")]
    [InlineData("/scene7/services/IpsApiService/getCdnCacheInvalidationStatus")]
    public async Task HttpGetInvocation_IsOff(string path)
    {
        var response = await Server.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OperationSuffixPost_IsNotFound_AndNothingIsStored()
    {
        var company = await Server.AddCompanyAsync();

        var response = await Server.Http.PostAsync("/scene7/services/IpsApiService/cdnCacheInvalidation",
            new StringContent(OneUrl(company), System.Text.Encoding.UTF8, "text/xml"));

        // Only the service address itself is the SOAP endpoint: a longer path is no address of
        // this server, so plain HTTP 404 with an empty body, not a SOAP reply or fault.
        Assert.Equal((HttpStatusCode.NotFound, ""), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task ServerFailure_Is30000ServerFaultWithoutDetailsOfTheCause()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        await using var server = await TestServer.StartOnPostgresAsync(connectionString);
        var user = await server.AddUserAsync(IpsApi.Core.Users.Role.IpsAdmin);
        await TestPostgres.DropDatabaseAsync(connectionString);

        var reply = await server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(user), "i|1|1|AAAAAAAAAAAAAAAAAAAAAA"));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("ipsApiFault", 30000), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains("<faultcode>soapenv:Server</faultcode>", reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", reply.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("database", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CommitWhoseAnswerIsLost_Is30000SayingTheRequestMayHaveBeenStored_AndSafeToResubmit()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            var direct = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            await using var proxy = new CuttingTcpProxy(direct.Host!, direct.Port);
            var proxied = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
            await using var server = await TestServer.StartOnPostgresAsync(proxied);
            var company = await server.AddCompanyAsync();
            var user = await server.AddUserAsync(IpsApi.Core.Users.Role.IpsAdmin);
            var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(user), company.Handle, [PostgresServerFixture.Url(company, "lost-answer")]);

            // The accept's last statement: its batch commits when it ends, before the first byte of the answer.
            proxy.CutOnAnswerTo("INSERT INTO audit_records");
            var reply = await server.PostAsync(envelope);

            Assert.True(proxy.Cut.Task.IsCompleted, "the proxy never saw the insert");
            Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
            Assert.Equal(("ipsApiFault", 30000), (reply.Fault.Element, reply.Fault.Code));
            Assert.Equal(IpsApi.Core.Faults.IpsFault.OutcomeUnknown().Reason, reply.Fault.Reason);
            Assert.Contains("may or may not have been stored", reply.Fault.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("not carried out", reply.Fault.Reason, StringComparison.Ordinal);

            // The store did commit it, so "not carried out" would have been false; a resubmission is a second request.
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM invalidation_requests WHERE company_id = @c", connection);
            count.Parameters.AddWithValue("c", company.Id);
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
            var resubmitted = await server.PostAsync(envelope);
            Assert.Equal(HttpStatusCode.OK, resubmitted.Status);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}
