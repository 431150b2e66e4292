using IpsApi.Core.Companies;
using IpsApi.Core.Users;

namespace IpsApi.Tests.Support;

/// <summary>
/// One server on a fresh PostgreSQL database per test class, with two companies and a user of
/// each role that matters. Tests that count rows make a company of their own.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private string connectionString = "";

    public TestServer Server { get; private set; } = null!;

    public Company CompanyA { get; private set; } = null!;

    public Company CompanyB { get; private set; } = null!;

    public TestUser Admin { get; private set; } = null!;

    /// <summary>IpsCompanyAdmin of <see cref="CompanyA"/> only.</summary>
    public TestUser CompanyAdminA { get; private set; } = null!;

    /// <summary>An IpsUser member of <see cref="CompanyA"/>: authenticated, but not allowed either operation.</summary>
    public TestUser PlainUser { get; private set; } = null!;

    public string ConnectionString => connectionString;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        // An API-only node, so the wire tests see requests exactly as accepted (purging is tested in
        // Purge/), and a drain rate high enough that the queue left behind never adds to the quoted 1 s.
        Server = await TestServer.StartOnPostgresAsync(connectionString, new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "0",
            ["Purge:AssumedUrlsPerSecond"] = "1000000",
        });
        CompanyA = await Server.AddCompanyAsync();
        CompanyB = await Server.AddCompanyAsync();
        Admin = await Server.AddUserAsync(Role.IpsAdmin);
        CompanyAdminA = await Server.AddUserAsync(Role.IpsCompanyAdmin, CompanyA);
        PlainUser = await Server.AddUserAsync(Role.IpsUser, CompanyA);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    public static string Url(Company company, string path) => $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/{path}";
}
