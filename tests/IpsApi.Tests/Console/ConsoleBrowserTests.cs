using System.Globalization;
using System.Net;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Core.Users;
using IpsApi.Server.WebConsole;
using IpsApi.Server.WebConsole.Pages;
using IpsApi.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IpsApi.Tests.Console;

/// <summary>
/// The web console in a real browser (Debian's Chromium through Playwright) against the real server on PostgreSQL:
/// sign-in and its one refusal, sign-out, tenant rules by address, encoding, the security headers, the log of
/// requests submitted over SOAP, See links, and the refresh.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task SignIn_AsCompanyAdmin_LandsOnItsCompanysLog_AndThePickerOffersOnlyItsCompanies()
    {
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;

        Assert.Equal("/console", new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(1);
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of {fixture.CompanyA.Name}, newest first");
        await Expect(page.GetByLabel("Company").Locator("option")).ToHaveTextAsync([$"{fixture.CompanyA.Name} ({fixture.CompanyA.Handle})"]);
        foreach (var header in new[] { "Handle", "Kind", "Scope", "Submitted", "By", "URLs", "Status" })
        {
            await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = header, Exact = true })).ToBeVisibleAsync();
        }

        await Expect(page.GetByText(fixture.CompanyAdminA.Email)).ToBeVisibleAsync();
        var session = (await console.Context.CookiesAsync()).Single(c => c.Name == ConsoleAuthentication.CookieName);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("/console", session.Path);
    }

    [Fact]
    public async Task SignIn_WrongPassword_UnknownUser_RoleNotAllowed_AndLockedName_AllGetTheSameMessage_AndNoSession()
    {
        var locked = await fixture.Server.AddUserAsync(Role.IpsAdmin);
        await using var console = await fixture.OpenAsync();
        var alert = console.Page.GetByRole(AriaRole.Alert);
        var messages = new List<string>();

        await console.SubmitSignInAsync(fixture.Admin.Email, "not-" + fixture.Admin.Password);
        messages.Add(await alert.InnerTextAsync());
        await console.SubmitSignInAsync("nobody-" + Guid.NewGuid().ToString("N") + "@example.test", "whatever-password");
        messages.Add(await alert.InnerTextAsync());
        await console.SubmitSignInAsync(fixture.PlainUser.Email, fixture.PlainUser.Password);
        messages.Add(await alert.InnerTextAsync());
        for (var failure = 0; failure < 5; failure++)
        {
            await console.SubmitSignInAsync(locked.Email, "wrong-" + failure);
        }

        await console.SubmitSignInAsync(locked.Email, locked.Password);
        messages.Add(await alert.InnerTextAsync());

        await ConsoleBrowser.ScreenshotAsync(console.Page, "sign-in-refused");
        Assert.All(messages, message => Assert.Equal(SignInModel.RefusedMessage, message));
        Assert.Equal("/console/signin", new Uri(console.Page.Url).AbsolutePath);
        Assert.DoesNotContain(await console.Context.CookiesAsync(), c => c.Name == ConsoleAuthentication.CookieName);
        await Expect(console.Page.GetByLabel("Email")).ToHaveValueAsync(locked.Email);
        await Expect(console.Page.GetByLabel("Password")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task SignOut_EndsTheSession_AndTheLogAsksForSignInAgain()
    {
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await console.Context.CookiesAsync(), c => c.Name == ConsoleAuthentication.CookieName);

        var response = await page.GotoAsync("/console");
        Assert.Equal("/console/signin", new Uri(page.Url).AbsolutePath);
        Assert.Equal("/console", System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["returnUrl"]);
        Assert.Equal(200, response!.Status);
    }

    [Fact]
    public async Task SignIn_FromAnAddressAskedFor_ReturnsThere_ButNeverOutsideTheConsole()
    {
        var handle = await SubmitAsync(fixture.Admin, fixture.CompanyA, [ConsoleFixture.Url(fixture.CompanyA, "return-" + Guid.NewGuid().ToString("N"))]);
        await using var console = await fixture.OpenAsync();
        await console.Page.GotoAsync(LinksModel.Address(handle));
        await console.SubmitSignInAsync(fixture.Admin.Email, fixture.Admin.Password);
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "See links" })).ToBeVisibleAsync();

        await using var other = await fixture.OpenAsync();
        await other.Page.GotoAsync("/console/signin?returnUrl=" + Uri.EscapeDataString("//evil.test/console"));
        await other.SubmitSignInAsync(fixture.Admin.Email, fixture.Admin.Password);
        Assert.Equal(fixture.Server.BaseAddress.Authority, new Uri(other.Page.Url).Authority);
        Assert.Equal("/console", new Uri(other.Page.Url).AbsolutePath);
    }

    [Fact]
    public async Task Session_FollowsAChangeOfCompanies_AndEndsWhenThePasswordChanges()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var user = await fixture.Server.AddUserAsync(Role.IpsCompanyAdmin, company);
        await using var console = await fixture.SignInAsync(user);
        var picker = console.Page.GetByLabel("Company").Locator("option");
        await Expect(picker).ToHaveCountAsync(1);

        await fixture.Server.WithDbAsync(async db =>
        {
            var stored = await db.Users.Include(u => u.Companies).SingleAsync(u => u.Id == user.Id);
            stored.Companies.Add(await db.Companies.SingleAsync(c => c.Id == fixture.CompanyB.Id));
            return await db.SaveChangesAsync();
        });
        await console.Page.ReloadAsync();
        await Expect(picker).ToHaveCountAsync(2);

        await fixture.Server.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, PasswordHasher.Hash("a-new-password-" + Guid.NewGuid().ToString("N")))));
        await console.Page.ReloadAsync();
        Assert.Equal("/console/signin", new Uri(console.Page.Url).AbsolutePath);
        Assert.DoesNotContain(await console.Context.CookiesAsync(), c => c.Name == ConsoleAuthentication.CookieName);
    }

    [Fact]
    public async Task CompanyAdmin_AnotherCompanysLogAndLinks_ByAddress_Get404_ExactlyAsUnknownOnes()
    {
        var foreignHandle = await SubmitAsync(fixture.Admin, fixture.CompanyB, [ConsoleFixture.Url(fixture.CompanyB, "secret-" + Guid.NewGuid().ToString("N"))]);
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;

        var foreign = await page.GotoAsync("/console?company=" + Uri.EscapeDataString(fixture.CompanyB.Handle));
        var foreignText = await page.Locator("main").InnerTextAsync();
        var unknown = await page.GotoAsync("/console?company=" + Uri.EscapeDataString(CompanyHandle.Format(int.MaxValue)));
        var unknownText = await page.Locator("main").InnerTextAsync();
        var foreignLinks = await page.GotoAsync(LinksModel.Address(foreignHandle));
        var foreignLinksText = await page.Locator("main").InnerTextAsync();
        var bogusLinks = await page.GotoAsync(LinksModel.Address(foreignHandle[..^4] + "AAAA"));
        var bogusLinksText = await page.Locator("main").InnerTextAsync();

        Assert.Equal((404, 404), (foreign!.Status, unknown!.Status));
        Assert.Equal(unknownText, foreignText);
        Assert.DoesNotContain(fixture.CompanyB.Name, foreignText, StringComparison.Ordinal);
        Assert.Equal((404, 404), (foreignLinks!.Status, bogusLinks!.Status));
        Assert.Equal(bogusLinksText, foreignLinksText);
        Assert.DoesNotContain("secret-", foreignLinksText, StringComparison.Ordinal);

        // The same addresses work for the IpsAdmin: the 404s above are the rule, not a broken page.
        await using var admin = await fixture.SignInAsync(fixture.Admin);
        Assert.Equal(200, (await admin.Page.GotoAsync("/console?company=" + Uri.EscapeDataString(fixture.CompanyB.Handle)))!.Status);
        Assert.Equal(200, (await admin.Page.GotoAsync(LinksModel.Address(foreignHandle)))!.Status);
    }

    [Fact]
    public async Task Log_ShowsARequestSubmittedOverSoap_NewestFirst_InTheBrowsersTimeZone()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var older = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "first")]);
        var handle = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "shoe"), ConsoleFixture.Url(company, "boot")]);
        InvalidationHandle.TryParse(handle, out _, out var id, out _);
        var submitted = await fixture.Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.Id == id).Select(r => r.CreatedAt).SingleAsync());
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));

        var rows = page.Locator("#log tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("td").First).ToHaveTextAsync(handle);
        await Expect(rows.Nth(1).Locator("td").First).ToHaveTextAsync(older);
        var cells = console.Row(handle).Locator("td");
        await Expect(cells.Nth(1)).ToHaveTextAsync("Manual");
        await Expect(cells.Nth(2)).ToHaveTextAsync("Original");
        await Expect(cells.Nth(4)).ToHaveTextAsync(fixture.Admin.Email);
        await Expect(cells.Nth(5)).ToHaveTextAsync("2");
        await Expect(cells.Nth(6)).ToHaveTextAsync("Received");
        var time = cells.Nth(3).Locator("time");
        await Expect(time).ToHaveAttributeAsync("datetime", ConsoleText.IsoUtc(submitted));
        var tokyo = submitted.ToOffset(TimeSpan.FromHours(9)).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        await Expect(time).ToContainTextAsync(tokyo);
        await Expect(time).Not.ToContainTextAsync("UTC");
        await ConsoleBrowser.ScreenshotAsync(page, "invalidation");
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Log_FiltersByStatusAndKind()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var done = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "done")]);
        var waiting = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "waiting")]);
        await SettleAsync(done, InvalidationStatus.Done);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("Status").SelectOptionAsync(InvalidationStatus.Done);
        await Expect(page.Locator("#log tbody tr td:first-child")).ToHaveTextAsync([done]);
        await page.GetByLabel("Status").SelectOptionAsync(InvalidationStatus.Received);
        await Expect(page.Locator("#log tbody tr td:first-child")).ToHaveTextAsync([waiting]);
        await page.GetByLabel("Kind").SelectOptionAsync(InvalidationKinds.Automatic);
        await Expect(page.Locator("#log tbody tr")).ToHaveTextAsync(["No invalidation matches these filters."]);
    }

    [Fact]
    public async Task Log_PagesBy25_TheNextPageHoldsTheRest()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var handles = new List<string>();
        for (var i = 0; i < IndexModel.PageSize; i++)
        {
            handles.Add(await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "page-" + i)]));
        }

        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await Expect(page.Locator("#log tbody tr")).ToHaveCountAsync(IndexModel.PageSize);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);

        handles.Add(await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "page-last")]));
        await page.ReloadAsync();
        await Expect(page.Locator("#log tbody tr")).ToHaveCountAsync(IndexModel.PageSize);
        await Expect(page.Locator("#log tbody tr").First.Locator("td").First).ToHaveTextAsync(handles[^1]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Expect(page.Locator("#log tbody tr td:first-child")).ToHaveTextAsync([handles[0]]);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SeeLinks_ShowsEachUrlWithItsOutcome_AndWhoAsked()
    {
        var company = await fixture.Server.AddCompanyAsync();
        string[] urls = [ConsoleFixture.Url(company, "red"), ConsoleFixture.Url(company, "green"), ConsoleFixture.Url(company, "blue")];
        var handle = await SubmitAsync(fixture.CompanyAdminA, fixture.CompanyA, [ConsoleFixture.Url(fixture.CompanyA, "a")]);
        var mine = await SubmitAsync(fixture.Admin, company, urls, appName: "Photo desk");
        await SettleAsync(mine, InvalidationStatus.Error, BatchFailures.Format("varnish", [new UrlFailure(urls[1], 503, "Service Unavailable")]));
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await Expect(console.Row(mine).Locator("td").Nth(6)).ToHaveTextAsync("ERROR");

        await console.Row(mine).GetByRole(AriaRole.Link, new() { Name = "See links" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "See links" })).ToBeVisibleAsync();
        var links = page.Locator("table.links tbody tr");
        await Expect(links.Locator("td.url")).ToHaveTextAsync(urls);
        await Expect(links.Nth(1).Locator("td").Nth(2)).ToHaveTextAsync("ERROR");
        await Expect(links.Nth(1).Locator("td").Nth(3)).ToHaveTextAsync("503: varnish: " + urls[1] + ": Service Unavailable");
        await Expect(links.Nth(0).Locator("td").Nth(2)).ToHaveTextAsync("ERROR");
        await Expect(links.Nth(0).Locator("td").Nth(3)).ToHaveTextAsync("Failed to invalidate CDN cache: batch 1 ended ERROR after its retries.");
        await Expect(page.Locator("table.audit tbody tr td").Nth(3)).ToHaveTextAsync("Photo desk");
        Assert.NotEqual(handle, mine);
        await ConsoleBrowser.ScreenshotAsync(page, "see-links");
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task ScriptInAppNameUrlAndCompanyName_RendersAsText_AndRunsNothing()
    {
        const string Script = "<script>window.__injected = 1</script>";
        var company = await fixture.Server.AddCompanyAsync("Xss" + Guid.NewGuid().ToString("N")[..8]);
        await fixture.Server.WithDbAsync(async db =>
        {
            await db.Companies.Where(c => c.Id == company.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Name, "Acme " + Script));
            return 0;
        });
        var url = ConsoleFixture.Url(company, "x');window.__injected=2;('&a=1");
        var handle = await SubmitAsync(fixture.Admin, company, [url], appName: Script);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of Acme {Script}, newest first");
        await page.GotoAsync(LinksModel.Address(handle));
        await Expect(page.Locator("table.links td.url")).ToHaveTextAsync(url);
        await Expect(page.Locator("table.audit tbody tr td").Nth(3)).ToHaveTextAsync(Script);

        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__injected"));
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task EveryConsoleResponse_CarriesTheSecurityHeaders_AndThePagesRaiseNoBrowserError()
    {
        await using var console = await fixture.OpenAsync();
        var page = console.Page;
        var signIn = await page.GotoAsync("/console/signin");
        await console.SubmitSignInAsync(fixture.Admin.Email, fixture.Admin.Password);
        var landing = await page.GotoAsync("/console");
        var style = await console.Context.APIRequest.GetAsync(ConsoleAssets.StyleSheet);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress };
        using var redirect = await anonymous.GetAsync(new Uri("/console", UriKind.Relative));

        foreach (var headers in new[] { signIn!.Headers, landing!.Headers, style.Headers })
        {
            Assert.Equal(ConsoleSecurityHeaders.ContentSecurityPolicy, headers["content-security-policy"]);
            Assert.StartsWith("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
            Assert.Equal("DENY", headers["x-frame-options"]);
            Assert.Equal("nosniff", headers["x-content-type-options"]);
            Assert.Equal("same-origin", headers["referrer-policy"]);
        }

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(ConsoleSecurityHeaders.ContentSecurityPolicy, redirect.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", redirect.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(0, await page.Locator("[style]").CountAsync());
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = fixture.Admin.Email, ["Password"] = fixture.Admin.Password });

        using var response = await http.PostAsync(new Uri("/console/signin", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(ConsoleAuthentication.CookieName + "=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Log_WhileARequestIsInFlight_RefreshesItselfInPlace_AndRefreshReloadsOnDemand()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var handle = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "moving")]);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await Expect(console.Row(handle).Locator("td").Nth(6)).ToHaveTextAsync("Received");
        await page.EvaluateAsync("() => { window.__samePage = true; }");

        await SettleAsync(handle, InvalidationStatus.Done);
        await Expect(console.Row(handle).Locator("td").Nth(6)).ToHaveTextAsync("Done", new() { Timeout = 20_000 });
        await Expect(page.Locator("#log")).ToHaveAttributeAsync("data-in-flight", "false");

        var next = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "next")]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Expect(page.Locator("#log tbody tr td:first-child")).ToHaveTextAsync([next, handle]);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"));
        await Expect(console.Row(next).Locator("time")).Not.ToContainTextAsync("UTC");
    }

    [Fact]
    public async Task Retry_OnAFailedRow_QueuesItsFailedBatchesAgain_AndShowsTheRowHighlighted()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var done = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "fine")]);
        var failed = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "broken")]);
        await SettleAsync(done, InvalidationStatus.Done);
        await SettleAsync(failed, InvalidationStatus.ErrorCdnNode, BatchFailures.Format("akamai", [new UrlFailure(ConsoleFixture.Url(company, "broken"), 403, "Forbidden")]));
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await Expect(console.Row(done).GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        await Expect(console.Row(failed).Locator("td").Nth(6)).ToHaveTextAsync("ERROR_CDN_NODE");

        await console.Row(failed).GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Retrying {failed}: its failed batches are queued again.");
        await Expect(console.Row(failed).Locator("td").Nth(6)).ToHaveTextAsync("Received");
        await Expect(console.Row(failed)).ToHaveClassAsync("highlight");
        await Expect(console.Row(failed).GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        InvalidationHandle.TryParse(failed, out _, out var id, out _);
        var audit = await fixture.Server.WithDbAsync(db => db.AuditRecords.Where(a => a.RequestId == id).OrderBy(a => a.Id).Select(a => new { a.Action, a.UserEmail, a.AppName }).ToListAsync());
        Assert.Equal(("retry", fixture.Admin.Email, ConsoleCaller.AppName), (audit[^1].Action, audit[^1].UserEmail, audit[^1].AppName));
        await ConsoleBrowser.ScreenshotAsync(page, "retried");
    }

    [Fact]
    public async Task Retry_AskedFromAStalePage_IsRefusedWithTheReason_AndRetriesOnce()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var failed = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "twice")]);
        await SettleAsync(failed, InvalidationStatus.Error, BatchFailures.Format("varnish", [new UrlFailure(ConsoleFixture.Url(company, "twice"), 0, "refused")]));
        await using var first = await fixture.SignInAsync(fixture.Admin);
        await using var second = await fixture.SignInAsync(fixture.Admin);
        await first.Page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await second.Page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));

        await first.Row(failed).GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(first.Row(failed).Locator("td").Nth(6)).ToHaveTextAsync("Received");
        var response = await second.Page.RunAndWaitForResponseAsync(
            () => second.Row(failed).GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(409, response.Status);
        await Expect(second.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            $"Invalidation {failed} is still in progress; only a request that ended ERROR or ERROR_CDN_NODE can be retried.");
        InvalidationHandle.TryParse(failed, out _, out var id, out _);
        Assert.Equal(1, await fixture.Server.WithDbAsync(db => db.AuditRecords.CountAsync(a => a.RequestId == id && a.Action == "retry")));
    }

    [Fact]
    public async Task Retry_OfAnotherCompanysRequest_PostedWithAValidToken_Gets404_AndChangesNothing()
    {
        var own = await SubmitAsync(fixture.CompanyAdminA, fixture.CompanyA, [ConsoleFixture.Url(fixture.CompanyA, "own-" + Guid.NewGuid().ToString("N"))]);
        var foreign = await SubmitAsync(fixture.Admin, fixture.CompanyB, [ConsoleFixture.Url(fixture.CompanyB, "foreign-" + Guid.NewGuid().ToString("N"))]);
        await SettleAsync(own, InvalidationStatus.Error, "own failure");
        await SettleAsync(foreign, InvalidationStatus.Error, "foreign failure");
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;
        var form = console.Row(own).Locator("form.retry");
        await form.Locator("input[name=handle]").EvaluateAsync("(input, handle) => { input.value = handle; }", foreign);

        var response = await page.RunAndWaitForResponseAsync(
            () => form.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(404, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No such company, or it is not one of yours.");
        InvalidationHandle.TryParse(foreign, out _, out var id, out _);
        Assert.All(
            await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.RequestId == id).Select(b => b.Status).ToListAsync()),
            status => Assert.Equal(InvalidationStatus.Error, status));
    }

    [Fact]
    public async Task Retry_PostedWithoutTheAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        var failed = await SubmitAsync(fixture.Admin, fixture.CompanyA, [ConsoleFixture.Url(fixture.CompanyA, "csrf-" + Guid.NewGuid().ToString("N"))]);
        await SettleAsync(failed, InvalidationStatus.Error, "failure");
        await using var console = await fixture.SignInAsync(fixture.Admin);

        var response = await console.Context.APIRequest.PostAsync("/console?handler=Retry", new()
        {
            Form = console.Context.APIRequest.CreateFormData().Set("company", fixture.CompanyA.Handle).Set("handle", failed),
        });

        Assert.Equal(400, response.Status);
        InvalidationHandle.TryParse(failed, out _, out var id, out _);
        Assert.All(
            await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.RequestId == id).Select(b => b.Status).ToListAsync()),
            status => Assert.Equal(InvalidationStatus.Error, status));
    }

    [Fact]
    public async Task Add_Original_ConfirmShowsEveryUrl_OneRemoved_SubmitStoresTheRest_AndHighlightsTheNewRow()
    {
        var company = await fixture.Server.AddCompanyAsync();
        string[] urls = [ConsoleFixture.Url(company, "one"), ConsoleFixture.Url(company, "two"), ConsoleFixture.Url(company, "three")];
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }).ClickAsync();
        await Expect(page.GetByLabel("Original")).ToBeCheckedAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "add");
        await page.GetByLabel("URLs").FillAsync($"{urls[0]}, {urls[1]}\n\n{urls[2]}\n{urls[0]}");
        await Expect(page.Locator("#urls-count")).ToHaveTextAsync("4 of at most 1000 URLs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        var boxes = page.GetByRole(AriaRole.Checkbox);
        await Expect(boxes).ToHaveCountAsync(3);
        foreach (var url in urls)
        {
            await Expect(page.GetByLabel(url, new() { Exact = true })).ToBeCheckedAsync();
        }

        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("3 of at most 1000 URLs");
        await page.GetByLabel(urls[1], new() { Exact = true }).UncheckAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("2 of at most 1000 URLs");
        await ConsoleBrowser.ScreenshotAsync(page, "add-confirm");
        Assert.Equal(0, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        var stored = await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.CompanyId == company.Id).Select(b => b.Urls).SingleAsync());
        Assert.Equal([urls[0], urls[2]], stored);
        var handle = await fixture.Server.WithDbAsync(async db =>
        {
            var request = await db.InvalidationRequests.SingleAsync(r => r.CompanyId == company.Id);
            return InvalidationHandle.Format(request.CompanyId, request.Id, request.Token);
        });
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Submitted {handle}: it is in the log below.");
        await Expect(console.Row(handle)).ToHaveClassAsync("highlight");
        await Expect(console.Row(handle).Locator("td").Nth(5)).ToHaveTextAsync("2");
        var audit = await fixture.Server.WithDbAsync(db => db.AuditRecords.Where(a => a.RequestId == db.InvalidationRequests.Single(r => r.CompanyId == company.Id).Id).Select(a => a.AppName).SingleAsync());
        Assert.Equal(ConsoleCaller.AppName, audit);
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Add_BadUrls_AreRefusedInTheWordsOfTheApi_NamingEach_AndNothingIsStored()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var good = ConsoleFixture.Url(company, "good");
        var foreign = ConsoleFixture.Url(fixture.CompanyB, "theirs");
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("URLs").FillAsync($"{good}\n{foreign}\nnot a url");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        var alert = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        Assert.StartsWith("Some URLs are not defined correctly. Correct and resubmit. 2 of 3 URLs refused; nothing was invalidated.", alert, StringComparison.Ordinal);
        Assert.Contains($"URL 2 '{foreign}'", alert, StringComparison.Ordinal);
        Assert.Contains("URL 3 'not a url'", alert, StringComparison.Ordinal);
        await Expect(page.GetByLabel("URLs")).ToHaveValueAsync($"{good}\n{foreign}\nnot a url");
        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0);
        Assert.Equal(0, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task Add_1000Urls_PassToTheConfirmStep_1001AreRefused()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var urls = Enumerable.Range(0, AddModel.MaxUrls + 1).Select(i => ConsoleFixture.Url(company, "n" + i)).ToList();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("URLs").FillAsync(string.Join('\n', urls));
        await Expect(page.Locator("#urls-count")).ToHaveTextAsync("1001 of at most 1000 URLs: 1 too many");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("1000");
        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0);

        await page.GetByLabel("URLs").FillAsync(string.Join('\n', urls.Take(AddModel.MaxUrls)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(AddModel.MaxUrls);
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("1000 of at most 1000 URLs");
    }

    [Fact]
    public async Task Add_All_WarnsAndSubmitsOnlyWithTheRootTyped()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("All", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("The cache then needs to rebuild, and the very first requests take more time to deliver.")).ToBeVisibleAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "add-all");
        await page.GetByLabel("Type the company root").FillAsync(company.RootId.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Type the company root, {company.RootId}, exactly to confirm: nothing was submitted.");
        Assert.Equal(0, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));

        await page.GetByLabel("Type the company root").FillAsync(company.RootId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Submitted");
        var row = page.Locator("#log tbody tr").First;
        await Expect(row).ToHaveClassAsync("highlight");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("All");
        Assert.Equal(InvalidationScopes.All, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).Select(r => r.Scope).SingleAsync()));
    }

    [Fact]
    public async Task Add_ForAnotherCompany_ByAddressOrEditedForm_Gets404_AndStoresNothing()
    {
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;
        var byAddress = await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(fixture.CompanyB.Handle));
        Assert.Equal(404, byAddress!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No such company, or it is not one of yours.");

        await page.GotoAsync("/console/add");
        await Expect(page.GetByLabel("Company").Locator("option")).ToHaveCountAsync(1);
        await page.GetByLabel("Company").EvaluateAsync("(select, handle) => { select.options[0].value = handle; }", fixture.CompanyB.Handle);
        await page.GetByLabel("URLs").FillAsync(ConsoleFixture.Url(fixture.CompanyB, "theirs"));
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(404, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No such company, or it is not one of yours.");
    }

    [Fact]
    public async Task Pages_PassTheAxeCoreAccessibilityCheck_WithNoSeriousOrCriticalViolation()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var handle = await SubmitAsync(fixture.Admin, company, [ConsoleFixture.Url(company, "a11y")]);
        await SettleAsync(handle, InvalidationStatus.ErrorCdnNode, BatchFailures.Format("fastly", [new UrlFailure(ConsoleFixture.Url(company, "a11y"), 500, "Internal Server Error")]));
        await using var console = await fixture.OpenAsync();
        var page = console.Page;
        var problems = new List<string>();

        problems.AddRange(await AxeProblemsAsync(page, "sign-in"));
        await console.SubmitSignInAsync("nobody@example.test", "wrong-password");
        problems.AddRange(await AxeProblemsAsync(page, "sign-in refused"));
        await console.SubmitSignInAsync(fixture.Admin.Email, fixture.Admin.Password);
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        problems.AddRange(await AxeProblemsAsync(page, "invalidation"));
        await page.GotoAsync(LinksModel.Address(handle));
        problems.AddRange(await AxeProblemsAsync(page, "see links"));
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(CompanyHandle.Format(int.MaxValue)));
        problems.AddRange(await AxeProblemsAsync(page, "not found"));
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));
        problems.AddRange(await AxeProblemsAsync(page, "add invalidation"));
        await page.GetByLabel("URLs").FillAsync(ConsoleFixture.Url(company, "a11y") + "\n" + ConsoleFixture.Url(company, "other"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        problems.AddRange(await AxeProblemsAsync(page, "add invalidation, confirm"));
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));
        await page.GetByLabel("All", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        problems.AddRange(await AxeProblemsAsync(page, "add invalidation, all"));
        await page.GotoAsync(TemplateModel.Address(company.Handle) + "&asset=a11y");
        problems.AddRange(await AxeProblemsAsync(page, "template, preview refused"));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task KeyboardOnly_SignIn_PickCompany_Add_Next_RemoveOne_Submit_SeeLinks_SignOut_WithTheFocusAlwaysVisible()
    {
        var first = await fixture.Server.AddCompanyAsync();
        var second = await fixture.Server.AddCompanyAsync();
        var third = await fixture.Server.AddCompanyAsync();
        var user = await fixture.Server.AddUserAsync(Role.IpsCompanyAdmin, first, second, third);
        string[] urls = [ConsoleFixture.Url(third, "keyboard-kept"), ConsoleFixture.Url(third, "keyboard-removed")];
        await using var console = await fixture.OpenAsync();
        var page = console.Page;
        var keyboard = page.Keyboard;

        await TabToAsync(page, page.GetByLabel("Email"));
        await keyboard.TypeAsync(user.Email);
        await TabToAsync(page, page.GetByLabel("Password"));
        await keyboard.TypeAsync(user.Password);
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of {first.Name}, newest first");

        // Arrow keys move through the companies without loading a page at each step; Enter shows the one chosen.
        await TabToAsync(page, page.GetByLabel("Company"));
        var loads = new List<string>();
        void Loaded(object? sender, IRequest request)
        {
            if (request.IsNavigationRequest)
            {
                lock (loads)
                {
                    loads.Add(request.Url);
                }
            }
        }

        page.Request += Loaded;
        await keyboard.PressAsync("ArrowDown");
        await keyboard.PressAsync("ArrowDown");
        await Expect(page.GetByLabel("Company")).ToHaveValueAsync(third.Handle);
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("caption")).ToHaveTextAsync($"Invalidation log of {third.Name}, newest first");
        page.Request -= Loaded;
        lock (loads)
        {
            Assert.Equal([third.Handle], loads.Select(url => System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["company"]));
        }

        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Add invalidation" }));
        await keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add invalidation" })).ToBeVisibleAsync();
        await TabToAsync(page, page.GetByLabel("Original"));
        await keyboard.PressAsync("Space");
        await Expect(page.GetByLabel("Original")).ToBeCheckedAsync();
        await TabToAsync(page, page.GetByLabel("URLs"));
        await keyboard.TypeAsync(string.Join('\n', urls));
        await Expect(page.Locator("#urls-count")).ToHaveTextAsync("2 of at most 1000 URLs");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Next" }));
        await keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(2);
        await TabToAsync(page, page.GetByLabel(urls[1], new() { Exact = true }));
        await keyboard.PressAsync("Space");
        await Expect(page.GetByLabel(urls[1], new() { Exact = true })).Not.ToBeCheckedAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("1 of at most 1000 URLs");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Submit" }));
        await keyboard.PressAsync("Enter");

        var row = page.Locator("#log tbody tr.highlight");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("1");
        await TabToAsync(page, row.GetByRole(AriaRole.Link, new() { Name = "See links" }));
        await keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "See links" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.links td.url")).ToHaveTextAsync([urls[0]]);

        // Sign out sits in the header, before the page's first link: one step back from there.
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Back to the invalidation log" }));
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }), backwards: true);
        await keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await console.Context.CookiesAsync(), c => c.Name == ConsoleAuthentication.CookieName);
        Assert.Equal([urls[0]], await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.CompanyId == third.Id).Select(b => b.Urls).SingleAsync()));
        Assert.Empty(console.Errors);
    }

    /// <summary>
    /// The README's picture of the Invalidation page: a company's log with requests in different states, 1280 pixels
    /// wide. Each run checks the page and the picture; with <c>IPSAPI_WRITE_DOCS=1</c> it also replaces
    /// docs/console-invalidation.png in the source tree.
    /// </summary>
    [Fact]
    [Trait("Category", "Docs")]
    public async Task ReadmeScreenshot_OfTheInvalidationPage_ShowsRowsOfEachState()
    {
        var root = "AcmeOutdoor" + Guid.NewGuid().ToString("N")[..4];
        var company = await fixture.Server.AddCompanyAsync(root, $"images.{root.ToLowerInvariant()}.example");
        var user = await fixture.Server.AddUserAsync(Role.IpsCompanyAdmin, company);
        const string email = "maria.lopez@acme-outdoor.example";
        await fixture.Server.WithDbAsync(async db =>
        {
            await db.Companies.Where(c => c.Id == company.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Name, "Acme Outdoor"));
            return await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Email, email));
        });
        user = user with { Email = email };
        string Url(string path) => ConsoleFixture.Url(company, path);
        var done = await SubmitAsync(user, company, [Url("hiking-boot-x2?$product$"), Url("hiking-boot-x2?$thumbnail$"), Url("hiking-boot-x2")], appName: "DAM publisher");
        var failed = await SubmitAsync(user, company, [Url("rain-jacket-blue"), Url("rain-jacket-blue?$zoom$")]);
        var doneToo = await SubmitAsync(user, company, [Url("summer-sale-banner")]);
        var flushing = await SubmitAsync(user, company, [.. Enumerable.Range(1, 12).Select(i => Url($"tent-alpine-{i}"))], appName: "DAM publisher");
        var received = await SubmitAsync(user, company, [Url("logo-2027")]);
        await SettleAsync(done, InvalidationStatus.Done);
        await SettleAsync(failed, InvalidationStatus.ErrorCdnNode, BatchFailures.Format("akamai", [new UrlFailure(Url("rain-jacket-blue"), 403, "Forbidden")]));
        await SettleAsync(doneToo, InvalidationStatus.Done);
        InvalidationHandle.TryParse(flushing, out _, out var flushingId, out _);
        await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.RequestId == flushingId)
            .ExecuteUpdateAsync(b => b.SetProperty(x => x.Status, InvalidationStatus.FlushingCdn)));
        var context = await fixture.Browser.NewContextAsync(fixture.Server.BaseAddress, "Europe/Berlin");
        await using var console = new ConsolePage(context, await context.NewPageAsync());
        var page = console.Page;
        await page.SetViewportSizeAsync(1280, 640);
        await page.GotoAsync("/console/signin");
        await console.SubmitSignInAsync(user.Email, user.Password);

        var statuses = page.Locator("#log tbody tr td:nth-child(7)");
        await Expect(statuses).ToHaveTextAsync(["Received", "Flushing CDN servers", "Done", "ERROR_CDN_NODE", "Done"]);
        await Expect(page.Locator("#log tbody tr td:first-child")).ToHaveTextAsync([received, flushing, doneToo, failed, done]);
        await Expect(console.Row(failed).GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
        await Expect(page.Locator("#log time").First).Not.ToContainTextAsync("UTC");
        var png = await page.ScreenshotAsync(new() { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(ConsoleBrowser.ArtifactsDirectory).FullName, "console-readme-invalidation.png"), png);

        // A PNG 1280 pixels wide (the width is the big-endian number at byte 16 of the IHDR chunk), small enough for a README.
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.True(png.Length < 150 * 1024, $"{png.Length} bytes");
        Assert.Empty(console.Errors);
        if (Environment.GetEnvironmentVariable("IPSAPI_WRITE_DOCS") == "1")
        {
            var source = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(source.FullName, "IpsApi.sln")))
            {
                source = source.Parent ?? throw new InvalidOperationException("IpsApi.sln not found above " + AppContext.BaseDirectory);
            }

            await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(source.FullName, "docs")).FullName, "console-invalidation.png"), png);
        }
    }

    /// <summary>
    /// Presses Tab (Shift+Tab when <paramref name="backwards"/>) until <paramref name="target"/> has the focus, at most 40
    /// times, and checks that the focus shows: an outline or a box shadow on the focused element.
    /// </summary>
    private static async Task TabToAsync(IPage page, ILocator target, bool backwards = false)
    {
        await Expect(target).ToBeVisibleAsync();
        for (var press = 0; press < 40; press++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                var style = await target.EvaluateAsync<string[]>(
                    "element => { const s = getComputedStyle(element); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }");
                var (outline, width, shadow) = (style[0], style[1], style[2]);
                Assert.True((outline != "none" && width != "0px") || shadow != "none",
                    $"no visible focus on {await target.EvaluateAsync<string>("element => element.outerHTML")}: outline {outline} {width}, box-shadow {shadow}");
                return;
            }
        }

        Assert.Fail($"{target} never got the focus from the keyboard");
    }

    private static async Task<IEnumerable<string>> AxeProblemsAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{name}: {v.Id} ({v.Impact}) {v.Help}: {string.Join("; ", v.Nodes.Select(n => n.Html))}");
    }

    private async Task<string> SubmitAsync(TestUser user, Company company, IEnumerable<string> urls, string? appName = null)
    {
        var extra = appName is null ? "" : $"<auth:appName>{Envelopes.Escape(appName)}</auth:appName>";
        var reply = await fixture.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(user, extra), company.Handle, urls));
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        return reply.Handle;
    }

    /// <summary>Ends every batch of a request as a worker would have: <paramref name="status"/>, with the failure line when given.</summary>
    private Task SettleAsync(string handle, string status, string? failure = null)
    {
        InvalidationHandle.TryParse(handle, out _, out var id, out _);
        return fixture.Server.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            return await db.NotificationBatches.Where(b => b.RequestId == id).ExecuteUpdateAsync(b => b
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.CompletedAt, now)
                .SetProperty(x => x.LastError, failure));
        });
    }
}
