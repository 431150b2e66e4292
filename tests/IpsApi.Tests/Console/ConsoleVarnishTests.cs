using IpsApi.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IpsApi.Tests.Console;

/// <summary>
/// From the console's form to a real varnishd: an invalidation added in the browser is purged by the workers and
/// the log shows it <c>Done</c>, with the cached object evicted.
/// </summary>
public sealed class ConsoleVarnishTests : CachedOriginTest
{
    [Fact]
    public async Task AddedInTheConsole_ReachesDoneThroughARealVarnishd_AndTheObjectIsFetchedAgain()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{Varnish.Port}" });
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);
        var path = $"/is/image/{root}/shoe";
        await Http.GetAsBrowserAsync(host, path);
        await Http.GetAsBrowserAsync(host, path);
        Assert.Equal(1, Origin.Fetches(host + path));
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var context = await browser.NewContextAsync(stack.Server.BaseAddress);
        await using var console = new ConsolePage(context, await context.NewPageAsync());
        var page = console.Page;
        await page.GotoAsync("/console/signin");
        await console.SubmitSignInAsync(stack.Admin.Email, stack.Admin.Password);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }).ClickAsync();
        await page.GetByLabel("URLs").FillAsync($"https://{host}{path}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        var row = page.Locator("#log tbody tr.highlight");
        await Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("Done", new() { Timeout = 30_000 });
        await Http.GetAsBrowserAsync(host, path);
        Assert.Equal(2, Origin.Fetches(host + path));
        Assert.True(console.Errors.Count == 0, string.Join("\n", console.Errors));
    }
}
