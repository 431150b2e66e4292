using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

public sealed class AuthenticationWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    private string Url => PostgresServerFixture.Url(fixture.CompanyA, "shoe");

    [Fact]
    public async Task NoCredentialsAtAll_Is401BasicChallengeWith10000Body()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate("", fixture.CompanyA.Handle, [Url]));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Basic realm=\"IpsApi\"", reply.Response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(("authenticationFault", 10000), (reply.Fault.Element, reply.Fault.Code));
    }

    [Fact]
    public async Task BasicAfterChallenge_IsAccepted()
    {
        var challenge = await Server.PostAsync(Envelopes.Invalidate("", fixture.CompanyA.Handle, [Url]));
        var scheme = challenge.Response.Headers.WwwAuthenticate.Single().Scheme;
        var reply = await Server.PostAsync(Envelopes.Invalidate("", fixture.CompanyA.Handle, [Url]), configure: r =>
            r.Headers.Authorization = new AuthenticationHeaderValue(scheme,
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Admin.Email}:{fixture.Admin.Password}"))));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Fact]
    public async Task BasicWithWrongPassword_Is10001()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate("", fixture.CompanyA.Handle, [Url]), configure: r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Admin.Email}:nope"))));
        Assert.Equal(("authenticationFault", 10001), (reply.Fault.Element, reply.Fault.Code));
    }

    [Fact]
    public async Task LegacyAuthUserAndAuthPasswordHeaders_AreAccepted()
    {
        var legacy = $"<AuthUser xmlns=\"http://www.scene7.com/IpsApi\">{fixture.Admin.Email}</AuthUser>"
            + $"<AuthPassword xmlns=\"http://www.scene7.com/IpsApi\">{fixture.Admin.Password}</AuthPassword>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(legacy, fixture.CompanyA.Handle, [Url]));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task AuthHeaderWithoutPassword_Is10000NotAChallenge()
    {
        var header = $"<auth:authHeader xmlns:auth=\"{Envelopes.CommonNs}\"><auth:user>{fixture.Admin.Email}</auth:user></auth:authHeader>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [Url]));
        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("authenticationFault", 10000, "No credentials: authHeader must carry user and password."), reply.Fault);
    }

    [Theory]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>")]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\"/>")]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\"></auth:authHeader>")]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\"><auth:appName>JAX-WS</auth:appName></auth:authHeader>")]
    public async Task NilOrEmptyAuthHeader_WithBasic_IsAccepted(string header)
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [Url]), configure: r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Admin.Email}:{fixture.Admin.Password}"))));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Theory]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>")]
    [InlineData("<auth:authHeader xmlns:auth=\"http://www.scene7.com/IpsApi/xsd\"/>")]
    public async Task NilOrEmptyAuthHeader_WithoutBasic_Is401BasicChallenge(string header)
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [Url]));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Basic realm=\"IpsApi\"", reply.Response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(("authenticationFault", 10000), (reply.Fault.Element, reply.Fault.Code));
    }

    [Fact]
    public async Task AuthHeaderWithPasswordOnly_IsStill10000EvenWithBasic()
    {
        var header = $"<auth:authHeader xmlns:auth=\"{Envelopes.CommonNs}\"><auth:password>{fixture.Admin.Password}</auth:password></auth:authHeader>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [Url]), configure: r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Admin.Email}:{fixture.Admin.Password}"))));

        Assert.Equal(("authenticationFault", 10000, "No credentials: authHeader must carry user and password."), reply.Fault);
    }

    [Fact]
    public async Task AuthHeader_TakesPrecedenceOverBasic()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email, "wrong"), fixture.CompanyA.Handle, [Url]), configure: r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Admin.Email}:{fixture.Admin.Password}"))));
        Assert.Equal(10001, reply.Fault.Code);
    }

    [Fact]
    public async Task UserEmail_IsCaseInsensitive()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email.ToUpperInvariant(), fixture.Admin.Password), fixture.CompanyA.Handle, [Url]));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task UnknownUser_And_WrongPassword_AreIndistinguishable()
    {
        // Fresh names, and at most 4 wrong passwords per user, so that no name reaches its failure limit (5) and
        // every attempt pays the password check: a locked name would be refused fast, for known and unknown alike. The 20
        // failures here and the class's other 3 keep the loopback address under its limit (30) for the same reason.
        var users = new[]
        {
            await Server.AddUserAsync(Core.Users.Role.IpsAdmin), await Server.AddUserAsync(Core.Users.Role.IpsAdmin), await Server.AddUserAsync(Core.Users.Role.IpsAdmin),
        };
        string Unknown() => Envelopes.Invalidate(Envelopes.AuthHeader("nobody-" + Guid.NewGuid().ToString("N") + "@example.test", "whatever-pass"), fixture.CompanyA.Handle, [Url]);
        string Wrong(int attempt) => Envelopes.Invalidate(Envelopes.AuthHeader(users[attempt % users.Length].Email, "whatever-pass"), fixture.CompanyA.Handle, [Url]);

        var unknownReply = await Server.PostAsync(Unknown());
        var wrongReply = await Server.PostAsync(Wrong(0));
        Assert.Equal(unknownReply.Body, wrongReply.Body);
        Assert.Equal(unknownReply.Status, wrongReply.Status);

        // Both pay one PBKDF2 derivation (~100 ms or more here); without it an unknown user would answer ~100 times
        // faster. Medians of 9 alternating calls stay within a factor of 2 even while the rest of the suite loads
        // the machine (7 calls each once gave 0.48 under that load).
        var unknownTimes = new List<double>();
        var wrongTimes = new List<double>();
        for (var i = 1; i <= 9; i++)
        {
            unknownTimes.Add(await TimeAsync(Unknown()));
            wrongTimes.Add(await TimeAsync(Wrong(i)));
        }

        var ratio = Median(unknownTimes) / Median(wrongTimes);
        Assert.InRange(ratio, 0.5, 2.0);
        Assert.True(Median(unknownTimes) > 20, $"an unknown user took {Median(unknownTimes):0.0} ms: no password derivation was paid");
    }

    [Fact]
    public async Task Password_NeverAppearsInAFault()
    {
        var secret = "leak-check-" + Guid.NewGuid().ToString("N");
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email, secret), fixture.CompanyA.Handle, [Url]));
        Assert.DoesNotContain(secret, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AxisStylePrefixedEnvelope_WithNamespacesOnTheEnvelope_IsAccepted()
    {
        var envelope =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
            + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:ns1=\"http://www.scene7.com/IpsApi/xsd\" xmlns:ns2=\"http://www.scene7.com/IpsApi/xsd/2012-02-14\">\n"
            + " <soapenv:Header>\n  <ns1:authHeader soapenv:mustUnderstand=\"0\">\n"
            + $"   <ns1:user>{fixture.Admin.Email}</ns1:user>\n   <ns1:password>{fixture.Admin.Password}</ns1:password>\n"
            + "   <ns1:appName>Axis</ns1:appName>\n   <ns1:gzipResponse>false</ns1:gzipResponse>\n  </ns1:authHeader>\n </soapenv:Header>\n"
            + " <soapenv:Body>\n  <ns2:cdnCacheInvalidationParam>\n"
            + $"   <ns2:companyHandle>{fixture.CompanyA.Handle}</ns2:companyHandle>\n"
            + $"   <ns2:urlArray>\n    <ns2:items>{Url}</ns2:items>\n   </ns2:urlArray>\n"
            + "  </ns2:cdnCacheInvalidationParam>\n </soapenv:Body>\n</soapenv:Envelope>\n";
        var reply = await Server.PostAsync(envelope, "\"cdnCacheInvalidation\"");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Fact]
    public async Task WcfStyleHeaderWithDefaultNamespace_IsAccepted()
    {
        var header = $"<h:authHeader xmlns:h=\"{Envelopes.CommonNs}\" xmlns=\"{Envelopes.CommonNs}\"><user>{fixture.Admin.Email}</user><password>{fixture.Admin.Password}</password></h:authHeader>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [Url]));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task Soap12_Success_AnswersInSoap12()
    {
        var reply = await Server.PostAsync(
            Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [Url], envelopeNs: Envelopes.Soap12),
            contentType: "application/soap+xml; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.StartsWith("<soapenv:Envelope xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\"", reply.Body, StringComparison.Ordinal);
        Assert.Matches(SoapReply.HandlePattern(), reply.Handle);
    }

    [Fact]
    public async Task Soap12EnvelopeAsTextXml_Faults30003()
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [Url], envelopeNs: Envelopes.Soap12));
        Assert.Equal(30003, reply.Fault.Code);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("<auth:gzipResponse>true</auth:gzipResponse>", true)]
    [InlineData("<auth:gzipResponse>false</auth:gzipResponse>", false)]
    public async Task Gzip_WhenAcceptedUnlessGzipResponseFalse(string extra, bool gzipped)
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin, extra), fixture.CompanyA.Handle, [Url]),
            configure: r => r.Headers.AcceptEncoding.ParseAdd("gzip"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(gzipped, reply.Response.Content.Headers.ContentEncoding.Contains("gzip"));
        if (gzipped)
        {
            await using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(await reply.Response.Content.ReadAsByteArrayAsync()), System.IO.Compression.CompressionMode.Decompress);
            using var text = new StreamReader(gzip);
            Assert.Contains("<invalidationHandle>", await text.ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    private async Task<double> TimeAsync(string envelope)
    {
        var watch = Stopwatch.StartNew();
        var reply = await Server.PostAsync(envelope);
        Assert.Equal(10001, reply.Fault.Code);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
