using IpsApi.Core.Companies;
using IpsApi.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace IpsApi.Tests.Support;

/// <summary>
/// Servers on one fresh database that differ only in what they believe about the request's origin: which
/// proxies are trusted (<c>ForwardedHeaders:*</c>), which hosts are allowed, and whether the public address is
/// configured (<c>Soap:PublicBaseUrl</c>). The tests reach each one from loopback.
/// </summary>
public sealed class ProxyServersFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://ips.example.com/ips";

    private string connectionString = "";

    /// <summary>Loopback is a trusted proxy, and so is 10.0.0.0/8, two hops deep; only <c>ips.example.test</c> and 127.0.0.1 may be named in <c>Host</c>.</summary>
    public TestServer Trusted { get; private set; } = null!;

    public TextLog TrustedLog { get; private set; } = null!;

    /// <summary>Nothing configured: no proxy trusted, any host allowed, documents built from the request.</summary>
    public TestServer Default { get; private set; } = null!;

    public TextLog DefaultLog { get; private set; } = null!;

    /// <summary>Proxies configured, none of them on loopback.</summary>
    public TestServer Elsewhere { get; private set; } = null!;

    /// <summary><c>Soap:PublicBaseUrl</c> set, with loopback a trusted proxy.</summary>
    public TestServer Published { get; private set; } = null!;

    /// <summary>ASP.NET Core's own <c>ForwardedHeaders_Enabled</c> switch on, no proxy configured.</summary>
    public TestServer SwitchOnly { get; private set; } = null!;

    /// <summary>ASP.NET Core's own switch on, with loopback and 10.0.0.0/8 trusted one hop deep.</summary>
    public TestServer SwitchAndProxies { get; private set; } = null!;

    public Company Company { get; private set; } = null!;

    public TestUser Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        TrustedLog = TextLog.For(new Dictionary<string, string?>());
        Trusted = await StartAsync(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
            ["ForwardedHeaders:ForwardLimit"] = "2",
            ["AllowedHosts"] = "ips.example.test;127.0.0.1",
        }, TrustedLog);
        DefaultLog = TextLog.For(new Dictionary<string, string?>());
        Default = await StartAsync([], DefaultLog);
        Elsewhere = await StartAsync(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "192.0.2.10",
            ["ForwardedHeaders:KnownNetworks:0"] = "198.51.100.0/24",
        });
        Published = await StartAsync(new()
        {
            ["Soap:PublicBaseUrl"] = PublicBaseUrl,
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        SwitchOnly = await StartAsync(new() { ["ForwardedHeaders_Enabled"] = "true" });
        SwitchAndProxies = await StartAsync(new()
        {
            ["ForwardedHeaders_Enabled"] = "true",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
        });
        Company = await Default.AddCompanyAsync();
        Admin = await Default.AddUserAsync(Role.IpsAdmin);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { Trusted, Default, Elsewhere, Published, SwitchOnly, SwitchAndProxies })
        {
            await server.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    private Task<TestServer> StartAsync(Dictionary<string, string?> configuration, TextLog? log = null)
    {
        configuration["Purge:Workers"] = "0";

        // Failed logins are logged at Information, below the tests' default level.
        configuration["Serilog:MinimumLevel:Override:IpsApi.Core.Users.CredentialVerifier"] = "Information";
        return TestServer.StartOnPostgresAsync(connectionString, configuration, log is null ? null : services => services.AddSingleton<ILogEventSink>(log));
    }
}
