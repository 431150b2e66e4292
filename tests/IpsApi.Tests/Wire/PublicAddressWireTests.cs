using System.Net;
using System.Xml.Linq;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>
/// Where the served documents say the service is, and where the audit record and the log say a request came from:
/// <c>Soap:PublicBaseUrl</c> over any header, <c>AllowedHosts</c>, and forwarded headers believed only from configured proxies.
/// </summary>
public sealed class PublicAddressWireTests(ProxyServersFixture fixture) : IClassFixture<ProxyServersFixture>
{
    private const string WsdlPath = "/scene7/webservice/IpsApi-2012-02-14.wsdl";
    private static readonly XNamespace WsdlSoap = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";

    private static readonly (string Name, string Value)[] ForwardedFromClient =
        [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.7")];

    [Theory]
    [InlineData(WsdlPath)]
    [InlineData("/scene7/services/IpsApiService?wsdl")]
    [InlineData("/scene7/webservice/IpsApi-2012-02-14.xsd")]
    [InlineData("/scene7/webservice/IpsApi.xsd")]
    [InlineData("/scene7/services/IpsApiService")]
    public async Task PublicBaseUrl_HostileHostAndForwardedHeaders_AppearNowhere(string path)
    {
        var (status, body) = await GetAsync(fixture.Published, path, "evil.example:6666",
            ("X-Forwarded-Proto", "http"), ("X-Forwarded-Host", "evil-forwarded.example"), ("X-Forwarded-Prefix", "/evil"), ("X-Forwarded-For", "203.0.113.7"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("evil", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("6666", body, StringComparison.Ordinal);
        if (!path.EndsWith(".xsd", StringComparison.Ordinal))
        {
            Assert.Contains($"{ProxyServersFixture.PublicBaseUrl}/scene7/", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PublicBaseUrl_WithAPathPrefix_IsTheAddressAndSchemaLocationBase()
    {
        var (_, body) = await GetAsync(fixture.Published, WsdlPath, "evil.example:6666", ("X-Forwarded-Proto", "http"));
        var wsdl = XDocument.Parse(body);

        Assert.Equal($"{ProxyServersFixture.PublicBaseUrl}/scene7/services/IpsApiService",
            (string?)wsdl.Descendants(WsdlSoap + "address").Single().Attribute("location"));
        Assert.Equal(
            [$"{ProxyServersFixture.PublicBaseUrl}/scene7/webservice/IpsApi-2012-02-14.xsd", $"{ProxyServersFixture.PublicBaseUrl}/scene7/webservice/IpsApi.xsd"],
            wsdl.Descendants(Xsd + "import").Select(i => (string?)i.Attribute("schemaLocation")));
    }

    [Fact]
    public async Task TrustedProxy_ForwardedProto_MakesTheWsdlHttps()
    {
        var (_, body) = await GetAsync(fixture.Trusted, WsdlPath, null, ForwardedFromClient);

        Assert.Equal($"https://{fixture.Trusted.BaseAddress.Authority}/scene7/services/IpsApiService", AddressOf(body));
    }

    [Fact]
    public async Task TrustedProxy_ForwardedFor_IsTheAuditedClientAddress()
    {
        Assert.Equal("203.0.113.7", await AuditedAddressAsync(fixture.Trusted, ForwardedFromClient));
    }

    [Fact]
    public async Task TrustedProxy_ForwardedFor_IsTheLoggedClientAddress()
    {
        var marker = Guid.NewGuid().ToString("N");
        await fixture.Trusted.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader($"{marker}@example.test", "wrong"), fixture.Company.Handle, ["x"]),
            configure: request => AddHeaders(request, ForwardedFromClient));

        var entry = await fixture.TrustedLog.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Invalid credentials", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal("\"203.0.113.7\"", entry.Properties["ClientAddress"].ToString());
    }

    [Fact]
    public async Task NoProxyConfigured_ForwardedHeaders_AreIgnored()
    {
        var (_, body) = await GetAsync(fixture.Default, WsdlPath, null, ForwardedFromClient);
        await fixture.Default.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader("nobody@example.test", "wrong"), fixture.Company.Handle, ["x"]),
            configure: request => AddHeaders(request, ForwardedFromClient));

        Assert.Equal($"http://{fixture.Default.BaseAddress.Authority}/scene7/services/IpsApiService", AddressOf(body));
        Assert.Equal("127.0.0.1", await AuditedAddressAsync(fixture.Default, ForwardedFromClient));
        var entry = await fixture.DefaultLog.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Invalid credentials", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal("\"127.0.0.1\"", entry.Properties["ClientAddress"].ToString());
    }

    [Fact]
    public async Task ProxiesConfiguredWithoutLoopback_ALoopbackPeer_IsNotTrusted()
    {
        var (_, body) = await GetAsync(fixture.Elsewhere, WsdlPath, null, ForwardedFromClient);

        Assert.StartsWith("http://", AddressOf(body), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", await AuditedAddressAsync(fixture.Elsewhere, ForwardedFromClient));
    }

    [Fact]
    public async Task FrameworkSwitchAlone_TrustsNoProxy()
    {
        var (_, body) = await GetAsync(fixture.SwitchOnly, WsdlPath, null, ForwardedFromClient);

        Assert.StartsWith("http://", AddressOf(body), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", await AuditedAddressAsync(fixture.SwitchOnly, ForwardedFromClient));
    }

    [Theory]
    [InlineData("198.51.100.1, 203.0.113.7, 10.1.2.3", "203.0.113.7")] // two trusted hops, then the limit
    [InlineData("203.0.113.7, 198.51.100.66", "198.51.100.66")] // an untrusted hop cannot vouch for the one before it
    [InlineData("not-an-address", "127.0.0.1")]
    public async Task ProxyChain_IsFollowedThroughTrustedHopsUpToTheLimit(string forwardedFor, string audited)
    {
        Assert.Equal(audited, await AuditedAddressAsync(fixture.Trusted, ("X-Forwarded-For", forwardedFor)));
    }

    [Fact]
    public async Task FrameworkSwitchWithProxies_ForwardLimitStillHolds()
    {
        // With the framework's middleware and IpsApi's both running, the trusted 10.1.2.3 would be passed as well.
        Assert.Equal("10.1.2.3", await AuditedAddressAsync(fixture.SwitchAndProxies, ("X-Forwarded-For", "203.0.113.7, 10.1.2.3")));
    }

    [Theory]
    [InlineData("evil.example:6666")]
    [InlineData("127.0.0.2")]
    public async Task AllowedHosts_OtherHosts_Get400(string host)
    {
        var (wsdl, _) = await GetAsync(fixture.Trusted, WsdlPath, host);
        var soap = await fixture.Trusted.PostAsync(
            Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.Company.Handle, [PostgresServerFixture.Url(fixture.Company, "a")]),
            configure: request => request.Headers.Host = host);

        Assert.Equal(HttpStatusCode.BadRequest, wsdl);
        Assert.Equal(HttpStatusCode.BadRequest, soap.Status);
    }

    [Theory]
    [InlineData("ips.example.test:6666")] // the filter compares names; the port is Kestrel's business
    [InlineData("IPS.Example.Test")]
    public async Task AllowedHosts_ListedHosts_AreServed(string host)
    {
        var (status, _) = await GetAsync(fixture.Trusted, WsdlPath, host);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task AllowedHostsUnset_AnyHost_IsServed()
    {
        var (status, body) = await GetAsync(fixture.Default, WsdlPath, "evil.example:6666");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("http://evil.example:6666/scene7/services/IpsApiService", AddressOf(body));
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(TestServer server, string path, string? host, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        AddHeaders(request, headers);
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AddHeaders(HttpRequestMessage request, IEnumerable<(string Name, string Value)> headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static string? AddressOf(string wsdl) => (string?)XDocument.Parse(wsdl).Descendants(WsdlSoap + "address").Single().Attribute("location");

    /// <summary>Has an invalidation accepted with <paramref name="headers"/> and returns the client address its audit record holds.</summary>
    private async Task<string?> AuditedAddressAsync(TestServer server, params (string Name, string Value)[] headers)
    {
        var reply = await server.PostAsync(
            Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.Company.Handle, [PostgresServerFixture.Url(fixture.Company, Guid.NewGuid().ToString("N"))]),
            configure: request => AddHeaders(request, headers));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var requestId = long.Parse(reply.Handle.Split('|')[2], System.Globalization.CultureInfo.InvariantCulture);
        return await server.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.RequestId == requestId).Select(a => a.ClientAddress).SingleAsync());
    }
}
