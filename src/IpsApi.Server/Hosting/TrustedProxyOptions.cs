using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using IpsApi.Core;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. From any other peer those headers are ignored, and with none
/// configured, from every peer: a forged header would otherwise put any address in the audit record and any
/// scheme in the WSDL.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>The configuration key under which ASP.NET Core's default host adds a forwarded-headers middleware of its own (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>).</summary>
    public const string FrameworkSwitch = "ForwardedHeaders_Enabled";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>, <c>::1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies, counted back from this server, may each name the address before them. Every one of them
    /// must be trusted in turn; 1 fits a single proxy in front, more a chain (a load balancer, then nginx).
    /// </summary>
    [Range(1, 16, ErrorMessage = "ForwardedHeaders:ForwardLimit must be from {1} to {2}.")]
    public int ForwardLimit { get; set; } = 1;

    public bool TrustsAnyProxy => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>()
            .BindSettings(Section)
            .ValidateDataAnnotations()
            // A single value where a list is expected binds to nothing: refuse it rather than trust no proxy without a word.
            .Validate<IConfiguration>(
                (_, configuration) => configuration[$"{Section}:{nameof(KnownProxies)}"] is null,
                $"{Section}:{nameof(KnownProxies)} must be a list: {Section}:{nameof(KnownProxies)}:0, …:1 (environment {Section}__{nameof(KnownProxies)}__0).")
            .Validate<IConfiguration>(
                (_, configuration) => configuration[$"{Section}:{nameof(KnownNetworks)}"] is null,
                $"{Section}:{nameof(KnownNetworks)} must be a list: {Section}:{nameof(KnownNetworks)}:0, …:1 (environment {Section}__{nameof(KnownNetworks)}__0).")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) => trusted.Value.ApplyTo(forwarded));
        return services;
    }

    /// <summary>
    /// Sets the middleware to believe exactly the configured proxies. ASP.NET Core's own default trusts loopback,
    /// which would let anyone on this machine forge a client address: it is cleared. With no proxy configured no
    /// header is read at all, since the middleware trusts every peer when both of its lists are empty.
    /// The host is never taken from <c>X-Forwarded-Host</c>: it comes from <c>Soap:PublicBaseUrl</c>, or from the
    /// <c>Host</c> header that <c>AllowedHosts</c> filters.
    /// </summary>
    public void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        forwarded.ForwardLimit = ForwardLimit;
        if (!TrustsAnyProxy)
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }

        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IsAddress(KnownProxies[i]))
            {
                yield return new ValidationResult(
                    $"{Section}:{nameof(KnownProxies)}:{i} must be an IP address such as 10.0.0.5 or ::1, not '{KnownProxies[i]}'.", [nameof(KnownProxies)]);
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            var network = KnownNetworks[i] ?? "";
            var slash = network.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !IsAddress(network[..slash]) || !System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult(
                    $"{Section}:{nameof(KnownNetworks)}:{i} must be a network in CIDR notation such as 10.0.0.0/8 or fd00::/8, not '{KnownNetworks[i]}'.",
                    [nameof(KnownNetworks)]);
            }
        }
    }

    /// <summary>
    /// An IPv4 address only in its usual dotted form: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also takes
    /// <c>10.1</c> and reads <c>010.0.0.1</c> as octal, neither what an operator means.
    /// </summary>
    private static bool IsAddress(string? text) =>
        IPAddress.TryParse(text, out var address)
        && (address.AddressFamily != AddressFamily.InterNetwork || address.ToString() == text);
}
