using System.ComponentModel.DataAnnotations;
using IpsApi.Server.Soap;
using IpsApi.Server.Wsdl;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Unit;

/// <summary><c>Soap:PublicBaseUrl</c> at its edges, and what the served WSDL and XSDs are built on.</summary>
public sealed class PublicBaseUrlTests
{
    [Theory]
    [InlineData("https://ips.example.com", "https://ips.example.com")]
    [InlineData("https://IPS.Example.com:443/ips/", "https://ips.example.com/ips")]
    [InlineData("http://ips.example.com:8080", "http://ips.example.com:8080")]
    [InlineData("https://example.com/a b/", "https://example.com/a%20b")]
    [InlineData("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443")]
    public void PublicBaseUrl_IsUsedWithoutDefaultPortOrTrailingSlash(string configured, string used)
    {
        var options = new SoapEndpointOptions { PublicBaseUrl = configured };

        Assert.Empty(Problems(options));
        Assert.Equal(used, options.PublicBase);
    }

    [Theory]
    [InlineData("ftp://ips.example.com")]
    [InlineData("ips.example.com")]
    [InlineData("/ips")]
    [InlineData("https://user:secret@ips.example.com")]
    [InlineData("https://ips.example.com/?wsdl")]
    [InlineData("https://ips.example.com/?")]
    [InlineData("https://ips.example.com/#top")]
    public void PublicBaseUrl_NotAnAbsoluteHttpUrlOfItsOwn_IsRefusedWithoutRepeatingIt(string configured)
    {
        var problem = Assert.Single(Problems(new SoapEndpointOptions { PublicBaseUrl = configured }));

        Assert.StartsWith("Soap:PublicBaseUrl must be an absolute http or https URL", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void PublicBaseUrl_UnsetOrEmpty_LeavesTheRequestToDecide(string? configured)
    {
        var options = new SoapEndpointOptions { PublicBaseUrl = configured };

        Assert.Empty(Problems(options));
        Assert.Null(options.PublicBase);
    }

    [Fact]
    public void Documents_WithPublicBaseUrl_AreBuiltOnceWhateverTheHost()
    {
        var documents = new ContractDocuments(Options.Create(new SoapEndpointOptions { PublicBaseUrl = "https://ips.example.com" }));
        var first = documents.Wsdl(Request("a.example"));

        Assert.Same(first, documents.Wsdl(Request("b.example:81")));
        Assert.Same(documents.Schema(Request("a.example"), "IpsApi.xsd"), documents.Schema(Request("c.example"), "ipsapi.XSD"));
        Assert.Contains("location=\"https://ips.example.com/scene7/services/IpsApiService\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_WithoutPublicBaseUrl_FollowEachRequest()
    {
        var documents = new ContractDocuments(Options.Create(new SoapEndpointOptions()));

        Assert.Contains("location=\"http://a.example/scene7/services/IpsApiService\"", documents.Wsdl(Request("a.example")), StringComparison.Ordinal);
        Assert.Contains("location=\"http://b.example:81/scene7/services/IpsApiService\"", documents.Wsdl(Request("b.example:81")), StringComparison.Ordinal);
        Assert.Null(documents.Schema(Request("a.example"), "secret.xsd"));
    }

    private static List<string?> Problems(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage)];
    }

    private static DefaultHttpContext Request(string host)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString(host);
        return http;
    }
}
