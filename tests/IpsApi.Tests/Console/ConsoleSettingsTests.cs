using System.Net;
using Deque.AxeCore.Playwright;
using IpsApi.Core.Companies;
using IpsApi.Server.WebConsole.Pages;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IpsApi.Tests.Console;

/// <summary>
/// The settings page in a real browser: an IpsAdmin changes limits, the switch and all-variants (the limit at its
/// edge), sets, re-keys and removes the completion callback, makes and rotates the webhook secret, creates and revokes
/// API keys (each secret shown once); an IpsCompanyAdmin reads them and is refused every change by the handler, not
/// only by the page; a foreign company is the same 404 as the other pages'.
/// </summary>
public sealed class ConsoleSettingsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Admin_SavesLimitsSwitchAndAllVariants_AndTheNavLinkLeadsThere()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Expect(page.GetByLabel("Company")).ToHaveValueAsync(company.Handle);
        await Expect(page.GetByLabel("Invalidation on")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("All variants")).Not.ToBeCheckedAsync();

        await page.GetByLabel("Invalidation on").UncheckAsync();
        await page.GetByLabel("All variants").CheckAsync();
        await page.GetByLabel("Requests per minute").FillAsync("60");
        await page.GetByLabel("URLs per hour").FillAsync(CompanyRules.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Saved the settings of {company.Name}.");
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Invalidation on")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("All variants")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Requests per minute")).ToHaveValueAsync("60");
        var stored = await StoredAsync(company);
        Assert.Equal((60, CompanyRules.MaxLimit, false, true), (stored.RequestsPerMinute, stored.UrlsPerHour, stored.InvalidationEnabled, stored.AllVariants));
        await ConsoleBrowser.ScreenshotAsync(page, "settings");
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Admin_ALimitOverTheMaximum_IsRefusedByTheServerInTheCoresWords_AndNothingChanges()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));

        // The browser's own check (max) would stop the form; the server must refuse it anyway.
        await page.GetByLabel("URLs per hour").EvaluateAsync("input => input.removeAttribute('max')");
        await page.GetByLabel("URLs per hour").FillAsync((CompanyRules.MaxLimit + 1L).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Requests per minute").FillAsync("60");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"urls-per-hour must be from 0 (unlimited) to {CompanyRules.MaxLimit}");
        var stored = await StoredAsync(company);
        Assert.Equal((0, 0), (stored.RequestsPerMinute, stored.UrlsPerHour));
    }

    [Fact]
    public async Task Admin_Callback_SetRotateRemove_ShowsEachNewSecretOnce()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));

        await page.GetByLabel("Callback URL").FillAsync("ftp://hooks.example.test/done");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save callback URL" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("url ");
        Assert.Null((await StoredAsync(company)).CallbackUrl);

        await page.GetByLabel("Callback URL").FillAsync("https://hooks.example.test/done");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save callback URL" }).ClickAsync();
        var first = await page.Locator("code.secret").TextContentAsync();
        var stored = await StoredAsync(company);
        Assert.Equal(("https://hooks.example.test/done", first), (stored.CallbackUrl, stored.CallbackSecret));
        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);

        await page.GotoAsync(SettingsModel.Address(company.Handle));
        Assert.DoesNotContain(first!, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.GetByLabel("Callback URL")).ToHaveValueAsync("https://hooks.example.test/done");

        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate callback secret" }).ClickAsync();
        var second = await page.Locator("code.secret").TextContentAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await StoredAsync(company)).CallbackSecret);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove callback" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{company.Name} has no completion callback any more.");
        stored = await StoredAsync(company);
        Assert.Equal((null, null), (stored.CallbackUrl, stored.CallbackSecret));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rotate callback secret" })).ToHaveCountAsync(0);

        // The refused URL's 400 is the one error the browser reports.
        Assert.All(console.Errors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_WebhookSecret_IsMadeThenRotated_AndTheOldOneIsGone()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));

        await page.GetByRole(AriaRole.Button, new() { Name = "Make webhook secret" }).ClickAsync();
        var made = await page.Locator("code.secret").TextContentAsync();
        Assert.Equal(made, (await StoredAsync(company)).WebhookSecret);

        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate webhook secret" }).ClickAsync();
        var rotated = await page.Locator("code.secret").TextContentAsync();
        Assert.NotEqual(made, rotated);
        Assert.Equal(rotated, (await StoredAsync(company)).WebhookSecret);
    }

    [Fact]
    public async Task Admin_CreatesAnApiKeyThatWorks_ThenRevokesIt_AndItIsRefused()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "No API key yet." })).ToBeVisibleAsync();

        await page.GetByLabel("Key name").FillAsync("asset <script>window.__injected=1</script> pipeline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var key = (await page.Locator("code.secret").TextContentAsync())!;
        Assert.StartsWith("ipsk_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.GetAsync(JsonApi.Company(company.Handle), JsonApi.Bearer(key))).Status);
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "asset <script>window.__injected=1</script> pipeline", Exact = true })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__injected"));
        await Expect(page.GetByLabel("Key name")).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Invalidation on")).ToBeCheckedAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "settings-key");

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke asset <script>window.__injected=1</script> pipeline" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is revoked: it authenticates nothing from now on.");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Revoked", Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Server.GetAsync(JsonApi.Company(company.Handle), JsonApi.Bearer(key))).Status);
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Admin_RevokingAnotherCompanysKey_ThroughAnEditedForm_Gets404_AndTheKeyStillWorks()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var other = await fixture.Server.AddCompanyAsync();
        var otherKey = await fixture.Server.CreateKeyAsync(other.Handle);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));
        await page.GetByLabel("Key name").FillAsync("mine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();

        await page.Locator("form input[name=key]").EvaluateAsync("(input, id) => { input.value = id; }", otherKey.Info.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Revoke mine" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(404, response.Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.GetAsync(JsonApi.Company(other.Handle), JsonApi.Bearer(otherKey.Key))).Status);
    }

    [Fact]
    public async Task CompanyAdmin_ReadsTheSettings_WithoutAnyChangeOffered()
    {
        await fixture.Server.WithDbAsync(db => db.Companies.Where(c => c.Id == fixture.CompanyA.Id)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.RequestsPerMinute, 42).SetProperty(x => x.CallbackUrl, "https://hooks.example.test/a")));
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;

        await page.GotoAsync(SettingsModel.Address(fixture.CompanyA.Handle));

        await Expect(page.GetByLabel("Requests per minute")).ToHaveValueAsync("42");
        await Expect(page.GetByLabel("Requests per minute")).ToBeDisabledAsync();
        await Expect(page.GetByLabel("Callback URL")).ToHaveValueAsync("https://hooks.example.test/a");
        await Expect(page.GetByText("You may read these settings; an IpsAdmin may change them.")).ToBeVisibleAsync();
        await Expect(page.Locator("main button:not([type=submit][form]):is(:text('Save'), :text('Rotate'), :text('Remove'), :text('Make'), :text('Create'), :text('Revoke'))")).ToHaveCountAsync(0);
        await Expect(page.Locator("main table")).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(page, "settings-read-only");
        Assert.Empty(console.Errors);
    }

    [Theory]
    [InlineData("Save", "RequestsPerMinute=1&UrlsPerHour=1&InvalidationEnabled=false&AllVariants=true")]
    [InlineData("Callback", "CallbackUrl=https%3A%2F%2Fevil.example.test%2F")]
    [InlineData("RotateCallbackSecret", "")]
    [InlineData("RemoveCallback", "")]
    [InlineData("RotateWebhookSecret", "")]
    [InlineData("CreateKey", "KeyName=sneaky")]
    [InlineData("RevokeKey", "key=1")]
    public async Task CompanyAdmin_PostingAChangeAnyway_IsRefusedByTheHandler_AndNothingChanges(string handler, string fields)
    {
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(fixture.CompanyA.Handle));
        var before = await StoredAsync(fixture.CompanyA);
        var keysBefore = await fixture.Server.WithDbAsync(db => db.ApiKeys.CountAsync());

        var response = await PostAsync(page, handler, fixture.CompanyA.Handle, fields);

        Assert.Equal(403, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("IpsCompanyAdmin");
        var after = await StoredAsync(fixture.CompanyA);
        Assert.Equal(
            (before.RequestsPerMinute, before.UrlsPerHour, before.InvalidationEnabled, before.AllVariants, before.CallbackUrl, before.CallbackSecret, before.WebhookSecret),
            (after.RequestsPerMinute, after.UrlsPerHour, after.InvalidationEnabled, after.AllVariants, after.CallbackUrl, after.CallbackSecret, after.WebhookSecret));
        Assert.Equal(keysBefore, await fixture.Server.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Fact]
    public async Task CompanyAdmin_AnotherCompanysSettings_ByAddressOrEditedForm_Gets404()
    {
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;

        var foreign = await page.GotoAsync(SettingsModel.Address(fixture.CompanyB.Handle));
        Assert.Equal(404, foreign!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No such company, or it is not one of yours.");
        await Expect(page.GetByLabel("Requests per minute")).ToHaveCountAsync(0);

        await page.GotoAsync(SettingsModel.Address(fixture.CompanyA.Handle));
        var posted = await PostAsync(page, "RotateWebhookSecret", fixture.CompanyB.Handle, "");
        Assert.Equal(404, posted.Status);
    }

    [Fact]
    public async Task Post_WithoutTheAntiforgeryToken_IsRefused_AndNothingChanges()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(SettingsModel.Address(company.Handle));

        await page.Locator("input[name=__RequestVerificationToken]").EvaluateAllAsync<int>("inputs => { inputs.forEach(i => i.remove()); return inputs.length; }");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Make webhook secret" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.Null((await StoredAsync(company)).WebhookSecret);
    }

    [Fact]
    public async Task SettingsPage_PassesTheAxeCoreCheck_ForBothRoles()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await fixture.Server.CreateKeyAsync(company.Handle);
        var problems = new List<string>();
        await using (var admin = await fixture.SignInAsync(fixture.Admin))
        {
            await admin.Page.GotoAsync(SettingsModel.Address(company.Handle));
            await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Make webhook secret" }).ClickAsync();
            problems.AddRange(await AxeProblemsAsync(admin.Page, "settings, admin, new secret"));
        }

        await using (var reader = await fixture.SignInAsync(fixture.CompanyAdminA))
        {
            await reader.Page.GotoAsync(SettingsModel.Address(fixture.CompanyA.Handle));
            problems.AddRange(await AxeProblemsAsync(reader.Page, "settings, read-only"));
        }

        Assert.Empty(problems);
    }

    /// <summary>Posts the settings page's form to <paramref name="handler"/> as a hand-edited form would, with the page's antiforgery token.</summary>
    private static Task<IResponse> PostAsync(IPage page, string handler, string company, string fields) =>
        page.RunAndWaitForResponseAsync(
            () => page.EvaluateAsync(
                """
                ([handler, company, fields]) => {
                    const form = document.createElement('form');
                    form.method = 'post';
                    form.action = '/console/settings?handler=' + handler;
                    const token = document.querySelector('input[name=__RequestVerificationToken]').cloneNode();
                    form.append(token);
                    for (const [name, value] of new URLSearchParams('company=' + encodeURIComponent(company) + (fields ? '&' + fields : ''))) {
                        const input = document.createElement('input');
                        input.type = 'hidden';
                        input.name = name;
                        input.value = value;
                        form.append(input);
                    }
                    document.body.append(form);
                    form.submit();
                }
                """,
                new[] { handler, company, fields }),
            r => r.Request.Method == "POST");

    private static async Task<IEnumerable<string>> AxeProblemsAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{name}: {v.Id} ({v.Impact}) {v.Help}: {string.Join("; ", v.Nodes.Select(n => n.Html))}");
    }

    private Task<Company> StoredAsync(Company company) =>
        fixture.Server.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == company.Id));
}
