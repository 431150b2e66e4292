using IpsApi.Core.Companies;
using IpsApi.Core.Templates;
using IpsApi.Server.WebConsole.Pages;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IpsApi.Tests.Console;

/// <summary>
/// The template page in a real browser: save and reload, the 2,500-character limit at its edge with the core's
/// words, the preview of one asset, a line without &lt;ID&gt; refused by its number, encoding, and the 404 for a company
/// that is not the user's.
/// </summary>
public sealed class ConsoleTemplateTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Save_ThenReload_ShowsTheTemplateAsSaved_AndTheNavLinkLeadsThere()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var text = $"<ID>\n{ConsoleFixture.Url(company, "<ID>?$thumbnail$")}";
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GotoAsync("/console?company=" + Uri.EscapeDataString(company.Handle));
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Template" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Template", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Company")).ToHaveValueAsync(company.Handle);
        await page.GetByLabel("Template", new() { Exact = true }).FillAsync(text);
        await Expect(page.Locator("#template-count")).ToHaveTextAsync($"{text.Length} of at most 2500 characters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Saved the CDN invalidation template of {company.Name}: 2 line(s).");
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Template", new() { Exact = true })).ToHaveValueAsync(text);
        Assert.Equal(text, await StoredAsync(company));
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Text_Of2500Characters_IsSaved_2501_IsRefusedInTheCoresWords()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var head = ConsoleFixture.Url(company, "<ID>?pad=");
        var full = head + new string('a', InvalidationTemplate.MaxLength - head.Length);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(TemplateModel.Address(company.Handle));

        await page.GetByLabel("Template", new() { Exact = true }).FillAsync(full + "a");
        await Expect(page.Locator("#template-count")).ToHaveTextAsync("2501 of at most 2500 characters: 1 too many");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The CDN invalidation template can save text up to 2500 characters; this one has 2501.");
        await Expect(page.GetByLabel("Template", new() { Exact = true })).ToHaveValueAsync(full + "a");
        Assert.Null(await StoredAsync(company));

        await page.GetByLabel("Template", new() { Exact = true }).FillAsync(full);
        await Expect(page.Locator("#template-count")).ToHaveTextAsync("2500 of at most 2500 characters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        Assert.Equal(full, await StoredAsync(company));
    }

    [Fact]
    public async Task Preview_ListsTheUrlOfEveryLineForTheAsset()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await SetAsync(company, $"<ID>\n\n{ConsoleFixture.Url(company, "<ID>?$thumbnail$")}\n{ConsoleFixture.Url(company, "<ID>:Square?wid=300&hei=300")}");
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(TemplateModel.Address(company.Handle));

        await page.GetByLabel("Asset ID").FillAsync("spinset");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Expect(page.Locator("ul.preview-urls li")).ToHaveTextAsync([
            ConsoleFixture.Url(company, "spinset"),
            ConsoleFixture.Url(company, "spinset?$thumbnail$"),
            ConsoleFixture.Url(company, "spinset:Square?wid=300&hei=300"),
        ]);
        await Expect(page.GetByLabel("Asset ID")).ToHaveValueAsync("spinset");
        await ConsoleBrowser.ScreenshotAsync(page, "template");
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Preview_UsesTheTextInTheBox_AsTyped_AndSavesNothing_AndEnterInAssetIdPreviewsRatherThanSaves()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var saved = "<ID>";
        var edited = $"<ID>\n{ConsoleFixture.Url(company, "<ID>?$thumbnail$")}";
        await SetAsync(company, saved);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(TemplateModel.Address(company.Handle));
        var box = page.GetByLabel("Template", new() { Exact = true });

        await box.FillAsync(edited);
        await page.GetByLabel("Asset ID").FillAsync("shoe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Expect(page.Locator("#preview-caption")).ToHaveTextAsync("The template in the box yields 2 URL(s) for asset shoe:");
        await Expect(page.Locator("ul.preview-urls li")).ToHaveTextAsync([ConsoleFixture.Url(company, "shoe"), ConsoleFixture.Url(company, "shoe?$thumbnail$")]);
        await Expect(box).ToHaveValueAsync(edited);
        await Expect(page.Locator("#template-count")).ToHaveTextAsync($"{edited.Length} of at most 2500 characters");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        Assert.Equal(saved, await StoredAsync(company));

        // A line the box would be refused for is named in the preview, in Save's words; Enter in the Asset ID box
        // previews, and nothing is saved.
        await box.FillAsync($"{edited}\n{ConsoleFixture.Url(company, "logo")}");
        await page.GetByLabel("Asset ID").FillAsync("bag");
        await page.GetByLabel("Asset ID").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            $"CDN invalidation template line 3 '{ConsoleFixture.Url(company, "logo")}' has no <ID>: every entry must say where the asset ID goes.");
        await Expect(page.Locator("ul.preview-urls")).ToHaveCountAsync(0);
        await Expect(box).ToHaveValueAsync($"{edited}\n{ConsoleFixture.Url(company, "logo")}");
        Assert.Equal(saved, await StoredAsync(company));

        // The address with an asset still previews the saved template.
        await page.GotoAsync(TemplateModel.Address(company.Handle) + "&asset=shoe");
        await Expect(page.Locator("#preview-caption")).ToHaveTextAsync("The saved template yields 1 URL(s) for asset shoe:");
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Preview_OfALineBreakingTheUrlRules_IsRefusedNamingTheLineAndTheAsset()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await SetAsync(company, $"<ID>\nhttps://elsewhere.test/is/image/{company.RootId}/<ID>");
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GotoAsync(TemplateModel.Address(company.Handle) + "&asset=shoe");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("(template line 2, asset 'shoe')");
        await Expect(page.Locator("ul.preview-urls")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Save_OfALineWithoutId_IsRefusedNamingTheLine_AndKeepsWhatWasSaved()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var saved = $"{ConsoleFixture.Url(company, "<ID>")}";
        await SetAsync(company, saved);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync(TemplateModel.Address(company.Handle));

        await page.GetByLabel("Template", new() { Exact = true }).FillAsync($"{saved}\n\n{ConsoleFixture.Url(company, "logo")}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            $"CDN invalidation template line 3 '{ConsoleFixture.Url(company, "logo")}' has no <ID>: every entry must say where the asset ID goes.");
        Assert.Equal(saved, await StoredAsync(company));
    }

    [Fact]
    public async Task ScriptInTheTemplate_RendersAsText_AndRunsNothing()
    {
        const string Script = "<script>window.__injected = 1</script>";
        var company = await fixture.Server.AddCompanyAsync();
        var text = ConsoleFixture.Url(company, "<ID>?x=" + Script);
        await SetAsync(company, text);
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;

        await page.GotoAsync(TemplateModel.Address(company.Handle) + "&asset=" + Uri.EscapeDataString("a</textarea><script>window.__injected=2</script>"));

        await Expect(page.GetByLabel("Template", new() { Exact = true })).ToHaveValueAsync(text);
        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__injected"));
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task CompanyAdmin_AnotherCompanysTemplate_ByAddressOrEditedForm_Gets404_AndChangesNothing()
    {
        await SetAsync(fixture.CompanyB, "<ID>");
        await using var console = await fixture.SignInAsync(fixture.CompanyAdminA);
        var page = console.Page;

        var foreign = await page.GotoAsync(TemplateModel.Address(fixture.CompanyB.Handle));
        Assert.Equal(404, foreign!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No such company, or it is not one of yours.");
        Assert.DoesNotContain("<ID>", await page.ContentAsync(), StringComparison.Ordinal);
        var unknown = await page.GotoAsync(TemplateModel.Address(CompanyHandle.Format(int.MaxValue)));
        Assert.Equal(404, unknown!.Status);

        await page.GotoAsync(TemplateModel.Address(fixture.CompanyA.Handle));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToBeVisibleAsync();
        await page.Locator("form.add input[name=company]").EvaluateAsync("(input, handle) => { input.value = handle; }", fixture.CompanyB.Handle);
        await page.GetByLabel("Template", new() { Exact = true }).FillAsync("https://evil.test/<ID>");
        var posted = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(404, posted.Status);
        Assert.Equal("<ID>", await StoredAsync(fixture.CompanyB));
    }

    [Fact]
    public async Task Add_AssetIds_ExpandToEveryTemplateLine_OnTheConfirmStep_AndTheSubmittedRequestHasThem()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await SetAsync(company, $"<ID>\n{ConsoleFixture.Url(company, "<ID>?$thumbnail$")}\n{ConsoleFixture.Url(company, "<ID>:Square?wid=300")}");
        var typed = ConsoleFixture.Url(company, "logo");
        string[] expected =
        [
            typed,
            ConsoleFixture.Url(company, "shoe"), ConsoleFixture.Url(company, "shoe?$thumbnail$"), ConsoleFixture.Url(company, "shoe:Square?wid=300"),
            ConsoleFixture.Url(company, "bag"), ConsoleFixture.Url(company, "bag?$thumbnail$"), ConsoleFixture.Url(company, "bag:Square?wid=300"),
        ];
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("URLs").FillAsync(typed);
        await page.GetByLabel("Asset IDs").FillAsync("shoe,\nbag\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(page.Locator("ul.confirm li label")).ToHaveTextAsync(expected);
        await Expect(page.Locator("ul.confirm li .hint")).ToHaveCountAsync(6);
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("7 of at most 1000 URLs");
        await page.GetByLabel(expected[5], new() { Exact = true }).UncheckAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "add-confirm-template");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Submitted");
        var stored = await fixture.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.CompanyId == company.Id).Select(b => b.Urls).SingleAsync());
        Assert.Equal(expected.Where((_, i) => i != 5), stored);
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task Add_AssetIds_WithoutATemplate_AreRefusedInTheApisWords_AndNothingIsStored()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await using var console = await fixture.SignInAsync(fixture.Admin);
        var page = console.Page;
        await page.GotoAsync("/console/add?company=" + Uri.EscapeDataString(company.Handle));

        await page.GetByLabel("Asset IDs").FillAsync("shoe");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Failed to retrieve URLs for selected assets.");
        await Expect(page.GetByLabel("Asset IDs")).ToHaveValueAsync("shoe");
        await Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0);
        Assert.Equal(0, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    private Task<string?> StoredAsync(Company company) =>
        fixture.Server.WithDbAsync(db => db.Companies.Where(c => c.Id == company.Id).Select(c => c.InvalidationTemplate).SingleAsync());

    private Task SetAsync(Company company, string text) =>
        fixture.Server.WithDbAsync(db => db.Companies.Where(c => c.Id == company.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.InvalidationTemplate, text)));
}
