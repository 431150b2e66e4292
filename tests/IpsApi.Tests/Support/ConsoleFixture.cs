using IpsApi.Core.Companies;
using IpsApi.Core.Users;
using Microsoft.Playwright;

namespace IpsApi.Tests.Support;

/// <summary>
/// The real server on a fresh PostgreSQL database with two companies and a user of each role that matters, and a
/// headless Chromium to drive its console. An API-only node: requests stay as submitted unless a test moves them.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private string connectionString = "";

    public TestServer Server { get; private set; } = null!;

    public ConsoleBrowser Browser { get; private set; } = null!;

    public Company CompanyA { get; private set; } = null!;

    public Company CompanyB { get; private set; } = null!;

    public TestUser Admin { get; private set; } = null!;

    /// <summary>IpsCompanyAdmin of <see cref="CompanyA"/> only.</summary>
    public TestUser CompanyAdminA { get; private set; } = null!;

    /// <summary>An IpsUser of <see cref="CompanyA"/>: a right password, but not a role the console is for.</summary>
    public TestUser PlainUser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        Server = await TestServer.StartOnPostgresAsync(connectionString, new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "0",
            ["Purge:AssumedUrlsPerSecond"] = "1000000",
        });
        CompanyA = await Server.AddCompanyAsync("Alpha" + Guid.NewGuid().ToString("N")[..6]);
        CompanyB = await Server.AddCompanyAsync("Beta" + Guid.NewGuid().ToString("N")[..6]);
        Admin = await Server.AddUserAsync(Role.IpsAdmin);
        CompanyAdminA = await Server.AddUserAsync(Role.IpsCompanyAdmin, CompanyA);
        PlainUser = await Server.AddUserAsync(Role.IpsUser, CompanyA);
        Browser = await ConsoleBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        await Server.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    /// <summary>A new browser context with a page on the sign-in form; console errors and page errors are collected.</summary>
    public async Task<ConsolePage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(Server.BaseAddress);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page);
        await page.GotoAsync("/console/signin");
        return console;
    }

    /// <summary>Signs in through the form and waits for the invalidation page.</summary>
    public async Task<ConsolePage> SignInAsync(TestUser user)
    {
        var console = await OpenAsync();
        await console.SubmitSignInAsync(user.Email, user.Password);
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Invalidation" })).ToBeVisibleAsync();
        return console;
    }

    public static string Url(Company company, string path) => $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/{path}";
}
