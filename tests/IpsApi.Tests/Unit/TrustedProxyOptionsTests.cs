using System.ComponentModel.DataAnnotations;
using System.Net;
using IpsApi.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace IpsApi.Tests.Unit;

/// <summary><c>ForwardedHeaders:*</c> at their edges, and the forwarded-headers middleware's options they give.</summary>
public sealed class TrustedProxyOptionsTests
{
    [Theory]
    [InlineData("KnownProxies", "10.0.0.5")]
    [InlineData("KnownProxies", "::1")]
    [InlineData("KnownProxies", "::ffff:10.0.0.5")]
    [InlineData("KnownNetworks", "10.0.0.0/8")]
    [InlineData("KnownNetworks", "fd00::/8")]
    [InlineData("KnownNetworks", "192.168.1.7/24")]
    public void TrustedProxies_AddressesAndNetworks_AreTaken(string list, string value)
    {
        Assert.Empty(Problems(Proxies(list, value)));
    }

    [Theory]
    [InlineData("KnownProxies", "proxy.example", "ForwardedHeaders:KnownProxies:0 must be an IP address such as 10.0.0.5 or ::1, not 'proxy.example'.")]
    [InlineData("KnownProxies", "10.0.0.300", "ForwardedHeaders:KnownProxies:0 must be an IP address")]
    [InlineData("KnownProxies", "127.1", "ForwardedHeaders:KnownProxies:0 must be an IP address")]
    [InlineData("KnownProxies", "010.0.0.1", "ForwardedHeaders:KnownProxies:0 must be an IP address")]
    [InlineData("KnownProxies", "10.0.0.0/8", "ForwardedHeaders:KnownProxies:0 must be an IP address")]
    [InlineData("KnownProxies", " 10.0.0.5", "ForwardedHeaders:KnownProxies:0 must be an IP address")]
    [InlineData("KnownNetworks", "10.0.0.0", "ForwardedHeaders:KnownNetworks:0 must be a network in CIDR notation such as 10.0.0.0/8 or fd00::/8, not '10.0.0.0'.")]
    [InlineData("KnownNetworks", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks:0 must be a network in CIDR notation")]
    [InlineData("KnownNetworks", "010.0.0.0/8", "ForwardedHeaders:KnownNetworks:0 must be a network in CIDR notation")]
    [InlineData("KnownNetworks", "10.0.0.0/x", "ForwardedHeaders:KnownNetworks:0 must be a network in CIDR notation")]
    public void TrustedProxies_AnythingElse_IsRefusedNamingTheEntry(string list, string value, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(Problems(Proxies(list, value))), StringComparison.Ordinal);
    }

    [Fact]
    public void NoProxyConfigured_NoForwardedHeaderIsRead_NotEvenFromLoopback()
    {
        var forwarded = new ForwardedHeadersOptions();
        new TrustedProxyOptions().ApplyTo(forwarded);

        Assert.Equal(ForwardedHeaders.None, forwarded.ForwardedHeaders);
        Assert.Empty(forwarded.KnownProxies);
        Assert.Empty(forwarded.KnownIPNetworks);
    }

    [Fact]
    public void ProxiesConfigured_ExactlyThoseAreTrusted_ForAddressAndScheme()
    {
        var forwarded = new ForwardedHeadersOptions();
        new TrustedProxyOptions { KnownProxies = ["192.0.2.10"], KnownNetworks = ["10.0.0.0/8"], ForwardLimit = 2 }.ApplyTo(forwarded);

        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, forwarded.ForwardedHeaders);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], forwarded.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("10.0.0.0/8")], forwarded.KnownIPNetworks);
        Assert.Equal(2, forwarded.ForwardLimit);
    }

    private static TrustedProxyOptions Proxies(string list, string value) =>
        list == "KnownProxies" ? new TrustedProxyOptions { KnownProxies = [value] } : new TrustedProxyOptions { KnownNetworks = [value] };

    private static List<string?> Problems(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage)];
    }
}
