using IpsApi.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IpsApi.Tests.Console;

/// <summary>
/// From the console's form to a real varnishd: an invalidation added in the browser is purged by the workers and
/// the log shows it <c>Done</c>, with the cached object evicted; one that fails because the node is down ends
/// <c>ERROR</c> by the workers' own retries running out, and Retry on the page takes it to <c>Done</c> once the node
/// is back.
/// </summary>
public sealed class ConsoleVarnishTests : CachedOriginTest
{
    /// <summary>Long enough for the log's own refresh (every 5 s) to show a change the workers made.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Settled = new() { Timeout = 30_000 };

    [Fact]
    public async Task AddedInTheConsole_ReachesDoneThroughARealVarnishd_AndTheObjectIsFetchedAgain()
    {
        await using var stack = await PurgeStack.StartAsync(Nodes(Varnish.Port));
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);
        var path = $"/is/image/{root}/shoe";
        await Http.GetAsBrowserAsync(host, path);
        await Http.GetAsBrowserAsync(host, path);
        Assert.Equal(1, Origin.Fetches(host + path));
        await using var browser = await ConsoleBrowser.LaunchAsync();
        await using var console = await SignInAsync(browser, stack);
        var page = console.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }).ClickAsync();
        await page.GetByLabel("URLs").FillAsync($"https://{host}{path}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        var row = page.Locator("#log tbody tr.highlight");
        await Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("Done", Settled);
        await Http.GetAsBrowserAsync(host, path);
        Assert.Equal(2, Origin.Fetches(host + path));
        Assert.True(console.Errors.Count == 0, string.Join("\n", console.Errors));
    }

    [Fact]
    public async Task NodeDown_RequestEndsErrorWhenTheWorkersRetriesRunOut_RetryOnThePageOnceItIsBack_ReachesDone()
    {
        var port = Varnish.Port;
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Nodes(port)) { ["Purge:MaxAttempts"] = "2" });
        var url = stack.Url("outage-" + Guid.NewGuid().ToString("N")[..8]);
        await Varnish.DisposeAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync();
        await using var console = await SignInAsync(browser, stack);
        var page = console.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }).ClickAsync();
        await page.GetByLabel("URLs").FillAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        var handle = await page.Locator("#log tbody tr.highlight td").First.InnerTextAsync();

        // The node stays down: the workers try MaxAttempts times and give up; the log refreshes itself to show it.
        await Expect(console.Row(handle).Locator("td").Nth(6)).ToHaveTextAsync("ERROR", Settled);
        await Expect(page.Locator("#log")).ToHaveAttributeAsync("data-in-flight", "false");
        await console.Row(handle).GetByRole(AriaRole.Link, new() { Name = "See links" }).ClickAsync();
        await Expect(page.Locator("table.links tbody tr td").Nth(3)).ToContainTextAsync($"varnish: {url}: 127.0.0.1:{port} unreachable");
        await ConsoleBrowser.ScreenshotAsync(page, "failed-links");
        await page.GoBackAsync();

        Varnish = await VarnishInstance.StartAsync(Origin.Port, port: port);
        await console.Row(handle).GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Retrying {handle}: its failed batches are queued again.");
        await Expect(console.Row(handle)).ToHaveClassAsync("highlight");
        await Expect(console.Row(handle).Locator("td").Nth(6)).ToHaveTextAsync("Done", Settled);
        await Expect(console.Row(handle).GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(page, "retried-done");
        await console.Row(handle).GetByRole(AriaRole.Link, new() { Name = "See links" }).ClickAsync();
        await Expect(page.Locator("table.links tbody tr td").Nth(2)).ToHaveTextAsync("Done");
        await Expect(page.Locator("table.links tbody tr td").Nth(3)).ToHaveTextAsync("");
        Assert.True(console.Errors.Count == 0, string.Join("\n", console.Errors));
    }

    [Fact]
    public async Task WalkThrough_SignIn_PickCompany_Add_RemoveOne_Submit_Done_SeeLinks_SignOut()
    {
        await using var stack = await PurgeStack.StartAsync(Nodes(Varnish.Port));
        var other = await stack.Server.AddCompanyAsync("Other" + Guid.NewGuid().ToString("N")[..6]);
        var host = stack.Company.PublishHosts[0];
        string[] paths = [.. new[] { "boot", "shoe", "sandal" }.Select(name => $"/is/image/{stack.Company.RootId}/{name}")];
        string[] urls = [.. paths.Select(path => $"https://{host}{path}")];
        foreach (var path in paths)
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var context = await browser.NewContextAsync(stack.Server.BaseAddress);
        await using var console = new ConsolePage(context, await context.NewPageAsync());
        var page = console.Page;

        await page.GotoAsync("/console");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "walk-1-sign-in");
        await console.SubmitSignInAsync(stack.Admin.Email, stack.Admin.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invalidation" })).ToBeVisibleAsync();

        await page.GetByLabel("Company").SelectOptionAsync(other.Handle);
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of {other.Name}, newest first");
        await page.GetByLabel("Company").SelectOptionAsync(stack.Company.Handle);
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of {stack.Company.Name}, newest first");
        await ConsoleBrowser.ScreenshotAsync(page, "walk-2-invalidation");

        await page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }).ClickAsync();
        await Expect(page.GetByLabel("Company")).ToHaveValueAsync(stack.Company.Handle);
        await Expect(page.GetByLabel("Original")).ToBeCheckedAsync();
        await page.GetByLabel("URLs").FillAsync(string.Join('\n', urls));
        await Expect(page.Locator("#urls-count")).ToHaveTextAsync("3 of at most 1000 URLs");
        await ConsoleBrowser.ScreenshotAsync(page, "walk-3-add");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(3);
        await page.GetByLabel(urls[1], new() { Exact = true }).UncheckAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("2 of at most 1000 URLs");
        await ConsoleBrowser.ScreenshotAsync(page, "walk-4-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        var row = page.Locator("#log tbody tr.highlight");
        await Expect(row).ToHaveCountAsync(1);
        var handle = await row.Locator("td").First.InnerTextAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Submitted {handle}: it is in the log below.");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("2");
        await ConsoleBrowser.ScreenshotAsync(page, "walk-5-submitted");
        await Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("Done", Settled);
        await Expect(console.Row(handle)).ToHaveClassAsync("highlight");
        await ConsoleBrowser.ScreenshotAsync(page, "walk-6-done");

        await console.Row(handle).GetByRole(AriaRole.Link, new() { Name = "See links" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "See links" })).ToBeVisibleAsync();
        var links = page.Locator("table.links tbody tr");
        await Expect(links.Locator("td.url")).ToHaveTextAsync([urls[0], urls[2]]);
        await Expect(links.Locator("td:nth-child(3)")).ToHaveTextAsync(["Done", "Done"]);
        await Expect(links.Locator("td:nth-child(4)")).ToHaveTextAsync(["", ""]);
        await ConsoleBrowser.ScreenshotAsync(page, "walk-7-see-links");

        // What the log says is what the cache did: the two URLs kept were evicted, the one removed was not.
        foreach (var path in paths)
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.Equal((2, 1, 2), (Origin.Fetches(host + paths[0]), Origin.Fetches(host + paths[1]), Origin.Fetches(host + paths[2])));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == IpsApi.Server.WebConsole.ConsoleAuthentication.CookieName);
        await ConsoleBrowser.ScreenshotAsync(page, "walk-8-signed-out");
        Assert.True(console.Errors.Count == 0, string.Join("\n", console.Errors));
    }

    private static async Task<ConsolePage> SignInAsync(ConsoleBrowser browser, PurgeStack stack)
    {
        var context = await browser.NewContextAsync(stack.Server.BaseAddress);
        var console = new ConsolePage(context, await context.NewPageAsync());
        await console.Page.GotoAsync("/console/signin");
        await console.SubmitSignInAsync(stack.Admin.Email, stack.Admin.Password);
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Invalidation" })).ToBeVisibleAsync();
        return console;
    }

    private static Dictionary<string, string?> Nodes(int port) => new() { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{port}" };
}
