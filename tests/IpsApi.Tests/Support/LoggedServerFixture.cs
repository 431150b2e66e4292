using IpsApi.Core.Companies;
using IpsApi.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace IpsApi.Tests.Support;

/// <summary>
/// Two servers on one fresh database, logging at the production levels into memory: one with the
/// text log, one with the JSON log (<c>Log:Format</c>), each formatted as its console would print it.
/// </summary>
public sealed class LoggedServerFixture : IAsyncLifetime
{
    private string connectionString = "";

    public TestServer TextServer { get; private set; } = null!;

    public TextLog TextLog { get; private set; } = null!;

    public TestServer JsonServer { get; private set; } = null!;

    public TextLog JsonLog { get; private set; } = null!;

    public Company Company { get; private set; } = null!;

    public TestUser Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        (TextServer, TextLog) = await StartAsync("text");
        (JsonServer, JsonLog) = await StartAsync("json");
        Company = await TextServer.AddCompanyAsync();
        Admin = await TextServer.AddUserAsync(Role.IpsAdmin);
    }

    public async Task DisposeAsync()
    {
        await TextServer.DisposeAsync();
        await JsonServer.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    private async Task<(TestServer, TextLog)> StartAsync(string format)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "0",
            ["Log:Format"] = format,
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Warning",
        };
        var log = TextLog.For(configuration);
        var server = await TestServer.StartOnPostgresAsync(connectionString, configuration, services => services.AddSingleton<ILogEventSink>(log));
        return (server, log);
    }
}
