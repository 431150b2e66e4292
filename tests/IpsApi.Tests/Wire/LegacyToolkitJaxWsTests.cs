using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>
/// A JAX-WS client (the RI's wsimport from Debian jaxws, OpenJDK 17) generated from the served WSDL at test time,
/// compiled with javac and run with java; faults arrive as the exception classes wsimport generated for them.
/// </summary>
public sealed class LegacyToolkitJaxWsTests(PostgresServerFixture fixture, JaxWsClientBuild client)
    : IClassFixture<PostgresServerFixture>, IClassFixture<JaxWsClientBuild>
{
    private Uri Wsdl => new(fixture.Server.BaseAddress, "/scene7/webservice/IpsApi-2012-02-14.wsdl");

    /// <summary>Credentials in the authHeader SOAP header, passed as the method parameter -XadditionalHeaders makes.</summary>
    [Fact]
    public async Task JaxWs_AuthHeaderParameter_CallsBothOperationsAndReadsFaults()
    {
        var foreign = LegacyClientAssert.OutsideRoot(fixture.CompanyA);
        var run = await client.RunAsync(Wsdl, Arguments("header", foreign, "jaxws-header-1?$thumb$", "jaxws-header-2"));

        LegacyClientAssert.CalledBothOperationsAndReadFaults(run, foreign, "IpsApiFault_Exception", "AuthenticationFault_Exception");
    }

    /// <summary>
    /// A null authHeader, which JAX-WS still sends as <c>&lt;authHeader xsi:nil="true"/&gt;</c>, and the credentials as HTTP
    /// Basic through the BindingProvider USERNAME/PASSWORD properties.
    /// </summary>
    [Fact]
    public async Task JaxWs_NullAuthHeaderWithBasicCredentials_CallsBothOperationsAndReadsFaults()
    {
        var foreign = LegacyClientAssert.OutsideRoot(fixture.CompanyA);
        var run = await client.RunAsync(Wsdl, Arguments("basic", foreign, "jaxws-basic-1?$thumb$"));

        LegacyClientAssert.CalledBothOperationsAndReadFaults(run, foreign, "IpsApiFault_Exception", "AuthenticationFault_Exception");
    }

    /// <summary><c>WSDL MODE USER PASSWORD COMPANY FOREIGN_URL URL…</c>, the URLs under company A's root.</summary>
    private string[] Arguments(string mode, string foreign, params string[] paths) =>
    [
        Wsdl.ToString(),
        mode,
        fixture.Admin.Email,
        fixture.Admin.Password,
        fixture.CompanyA.Handle,
        foreign,
        .. paths.Select(path => PostgresServerFixture.Url(fixture.CompanyA, path)),
    ];
}
