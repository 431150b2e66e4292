using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Checks <c>AllowedHosts</c> at start. ASP.NET Core's host filtering, which the web host runs first for every
/// request, reads it as one value of host names separated by ';' and answers 400 to a request whose <c>Host</c>
/// is not among them; unset, or <c>*</c>, allows any. The filter never says why a name cannot match, and a list
/// written as <c>AllowedHosts:0</c>, <c>…:1</c> is not read at all (every host is then allowed), so both are refused here.
/// </summary>
internal sealed class AllowedHostsValidator(IConfiguration configuration) : IValidateOptions<HostFilteringOptions>
{
    public const string Key = "AllowedHosts";

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<HostFilteringOptions>, AllowedHostsValidator>();
        services.AddOptions<HostFilteringOptions>().ValidateOnStart();
        return services;
    }

    public ValidateOptionsResult Validate(string? name, HostFilteringOptions options)
    {
        if (configuration.GetSection(Key).GetChildren().Any())
        {
            return ValidateOptionsResult.Fail(
                $"{Key} must be one value, host names separated by ';' such as ips.example.com;localhost (environment {Key}=…), not a list.");
        }

        var bad = (configuration[Key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(host => !IsHostPattern(host));
        return bad is null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{Key} must be host names separated by ';' such as ips.example.com;localhost, without scheme, port or path (the filter ignores ports), not '{bad}'.");
    }

    /// <summary>What the filter can match: <c>*</c>, a name, an address, or <c>*.</c> before a name for its subdomains.</summary>
    private static bool IsHostPattern(string host) =>
        host == "*" || Uri.CheckHostName(host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host) != UriHostNameType.Unknown;
}
