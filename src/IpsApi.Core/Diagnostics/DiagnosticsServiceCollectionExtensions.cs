using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Core.Diagnostics;

public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>The checks of <c>ipsapi check</c>, in the order they run; each uses what the server itself uses (its HTTP clients, options).</summary>
    public static IServiceCollection AddIpsDiagnostics(this IServiceCollection services)
    {
        services.AddScoped<IDiagnosticCheck, StoreCheck>();
        services.AddScoped<IDiagnosticCheck, VarnishCheck>();
        services.AddScoped<IDiagnosticCheck, AkamaiCheck>();
        services.AddScoped<IDiagnosticCheck, FastlyCheck>();
        services.AddScoped<IDiagnosticCheck, SmtpCheck>();
        services.AddScoped<SystemCheck>();
        return services;
    }
}
