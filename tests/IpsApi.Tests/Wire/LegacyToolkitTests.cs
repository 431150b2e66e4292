using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>
/// SOAP toolkits that existing IPS integrations are written with, each driving the real server through a small
/// program in Clients/ (the toolkits are Debian packages that scripts/test.sh installs). Each program calls both
/// operations and reads a 30001 and a 10001 fault through the toolkit's own fault type. The JAX-WS client is in
/// LegacyToolkitJaxWsTests, so its build runs alongside these.
/// </summary>
public sealed class LegacyToolkitTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private string Wsdl => new Uri(fixture.Server.BaseAddress, "/scene7/webservice/IpsApi-2012-02-14.wsdl").ToString();

    /// <summary>PHP's SoapClient in WSDL mode, gzip-compressing its requests and accepting gzip replies.</summary>
    [Fact]
    public async Task PhpSoapClient_WsdlModeWithGzip_CallsBothOperationsAndReadsFaults()
    {
        var foreign = LegacyClientAssert.OutsideRoot(fixture.CompanyA);
        var run = await ClientProgram.RunAsync("php", "php-cli php-soap", Arguments("php_soapclient.php", Wsdl, foreign, "php-1?$thumb$", "php-2"));

        LegacyClientAssert.CalledBothOperationsAndReadFaults(run, foreign, "SoapFault", "SoapFault");
        run.Satisfies(r => Assert.Equal(("gzip", "gzip"), (r.Step("compression")["request"], r.Step("compression")["response"])));
    }

    /// <summary>
    /// Perl's SOAP::Lite without a WSDL, as IPS scripts use it: every value carries xsi:type="xsd:string" with the xsd
    /// prefix declared on the Envelope, the SOAPAction is its default "namespace#element", authHeader a SOAP header.
    /// </summary>
    [Fact]
    public async Task SoapLite_DefaultTypingAndSoapAction_CallsBothOperationsAndReadsFaults()
    {
        var foreign = LegacyClientAssert.OutsideRoot(fixture.CompanyA);
        var run = await ClientProgram.RunAsync("/usr/bin/perl", "libsoap-lite-perl", Arguments("soaplite_client.pl", fixture.Server.ServiceAddress.ToString(), foreign, "perl-1?$thumb$", "perl-2"));

        LegacyClientAssert.CalledBothOperationsAndReadFaults(run, foreign, "SOAP::SOM", "SOAP::SOM");
        run.Satisfies(r => Assert.Equal(
            ("\"http://www.scene7.com/IpsApi/xsd/2012-02-14#cdnCacheInvalidationParam\"", "xsd:string"),
            (r.Step("sent")["soapAction"], r.Step("sent")["xsiType"])));
    }

    /// <summary>Python's suds (python3-suds) in WSDL mode, authHeader built from the WSDL's types.</summary>
    [Fact]
    public async Task Suds_WsdlMode_CallsBothOperationsAndReadsFaults()
    {
        var foreign = LegacyClientAssert.OutsideRoot(fixture.CompanyA);
        var run = await ClientProgram.RunAsync("/usr/bin/python3", "python3-suds", Arguments("suds_client.py", Wsdl, foreign, "suds-1?$thumb$", "suds-2"));

        LegacyClientAssert.CalledBothOperationsAndReadFaults(run, foreign, "WebFault", "WebFault");
    }

    /// <summary><c>SCRIPT ADDRESS USER PASSWORD COMPANY FOREIGN_URL URL…</c>, the URLs under company A's root.</summary>
    private string[] Arguments(string script, string address, string foreign, params string[] paths) =>
    [
        Path.Combine(AppContext.BaseDirectory, "Clients", script),
        address,
        fixture.Admin.Email,
        fixture.Admin.Password,
        fixture.CompanyA.Handle,
        foreign,
        .. paths.Select(path => PostgresServerFixture.Url(fixture.CompanyA, path)),
    ];
}
