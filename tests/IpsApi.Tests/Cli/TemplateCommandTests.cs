using System.Text.RegularExpressions;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary>
/// <c>ipsapi template set|show</c>, <c>invalidation add --asset … --dry-run</c> and <c>company webhook-secret</c>
/// against the embedded store, as the operator runs them.
/// </summary>
public sealed partial class TemplateCommandTests
{
    private const string Template = """
        <ID>
        https://img.acme.test/is/image/Acme/<ID>?$thumbnail$

        https://img.acme.test/is/image/Acme/<ID>?$product$
        https://img.acme.test/is/image/Acme/<ID>:Square?wid=300&hei=300
        http://img.acme.test/is/content/Acme/<ID>
        """;

    [Fact]
    public async Task TemplateSetFromAFile_ShowPrintsIt_DryRunOfAnAssetPrintsEveryTemplateLineForIt()
    {
        using var cli = await AcmeAsync();
        var file = Path.Combine(cli.CreateDirectory("t"), "template.txt");
        await File.WriteAllTextAsync(file, Template);

        var set = await cli.RunAsync(null, "template", "set", "--company", "c|1", "--file", file);
        var shown = await cli.RunAsync(null, "template", "show", "--company", "c|1");
        var dryRun = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--asset", "spinset", "--dry-run");
        var company = await cli.RunAsync(null, "company", "show", "c|1");
        var listed = await cli.RunAsync(null, "invalidation", "list");

        Assert.Equal((0, "Saved the CDN invalidation template of company c|1: 5 line(s)."), (set.ExitCode, set.Out.TrimEnd()));
        Assert.Equal((0, Template + "\n"), (shown.ExitCode, shown.Out));
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Equal(
            [
                "https://img.acme.test/is/image/Acme/spinset",
                "https://img.acme.test/is/image/Acme/spinset?$thumbnail$",
                "https://img.acme.test/is/image/Acme/spinset?$product$",
                "https://img.acme.test/is/image/Acme/spinset:Square?wid=300&hei=300",
                "http://img.acme.test/is/content/Acme/spinset",
            ],
            dryRun.Out.TrimEnd().Split('\n'));
        Assert.EndsWith("dry run: 5 URL(s) would be submitted; nothing was stored", dryRun.Err.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("CDN template:         5 line(s)", company.Out, StringComparison.Ordinal);
        Assert.Equal("HANDLE  KIND  SCOPE  SUBMITTED  BY  URLS  STATUS", listed.Out.TrimEnd());
    }

    [Fact]
    public async Task TemplateSetFromStandardInput_2500CharactersPass_2501AreRefused_AndTheSavedOneStays()
    {
        using var cli = await AcmeAsync();
        var longest = "<ID>\n" + "https://img.acme.test/is/image/Acme/<ID>?" + new string('a', 2500 - 5 - 41);
        Assert.Equal(2500, longest.Length);

        var fits = await cli.RunAsync(longest, "template", "set", "--company", "c|1", "--file", "-");
        var tooLong = await cli.RunAsync(longest + "a", "template", "set", "--company", "c|1", "--file", "-");
        var noId = await cli.RunAsync("<ID>\n\nhttps://img.acme.test/is/image/Acme/logo", "template", "set", "--company", "c|1", "--file", "-");
        var shown = await cli.RunAsync(null, "template", "show", "--company", "c|1");

        Assert.Equal(0, fits.ExitCode);
        Assert.Equal((1, ""), (tooLong.ExitCode, tooLong.Out));
        Assert.EndsWith("ipsapi: refused with fault 30001: The CDN invalidation template can save text up to 2500 characters; this one has 2501.", tooLong.Err.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal((1, ""), (noId.ExitCode, noId.Out));
        Assert.Contains("CDN invalidation template line 3 'https://img.acme.test/is/image/Acme/logo' has no <ID>", noId.Err, StringComparison.Ordinal);
        Assert.Equal(longest + "\n", shown.Out);
    }

    [Fact]
    public async Task InvalidationAddOfAssets_WithoutATemplate_FailsInTheAemWording_AndOfAnUnknownCompanyNamesIt()
    {
        using var cli = await AcmeAsync();
        var none = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--asset", "spinset", "--dry-run");
        var unknown = await cli.RunAsync(null, "template", "show", "--company", "c|9");

        Assert.Equal((1, ""), (none.ExitCode, none.Out));
        Assert.EndsWith("ipsapi: refused with fault 30002: Failed to retrieve URLs for selected assets. Company c|1 has no CDN invalidation template: set one, or list the URLs.",
            none.Err.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal((1, ""), (unknown.ExitCode, unknown.Out));
        Assert.EndsWith("ipsapi: no company c|9: 'ipsapi company list' shows the handles", unknown.Err.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookSecret_IsMadeOnce_PrintedAgainUnchanged_RotateReplacesIt_ShowSaysOnlyThatOneIsSet()
    {
        using var cli = await AcmeAsync();
        var before = await cli.RunAsync(null, "company", "show", "c|1");
        var made = await cli.RunAsync(null, "company", "webhook-secret", "c|1");
        var again = await cli.RunAsync(null, "company", "webhook-secret", "c|1");
        var rotated = await cli.RunAsync(null, "company", "webhook-secret", "c|1", "--rotate");
        var after = await cli.RunAsync(null, "company", "show", "c|1");

        Assert.Contains("webhook secret:       none", before.Out, StringComparison.Ordinal);
        Assert.Equal(0, made.ExitCode);
        Assert.Matches(Secret(), made.Out.TrimEnd());
        Assert.Contains("New webhook secret of company c|1", made.Err, StringComparison.Ordinal);
        Assert.Equal(made.Out, again.Out);
        Assert.Contains("unchanged; --rotate makes a new one", again.Err, StringComparison.Ordinal);
        Assert.Matches(Secret(), rotated.Out.TrimEnd());
        Assert.NotEqual(made.Out, rotated.Out);
        Assert.Contains("webhook secret:       set", after.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", after.Out + after.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalidation add --company c|1 --dry-run", "give the URLs with --url or --file, or assets with --asset")]
    [InlineData("template set --company c|1", "--file")]
    [InlineData("template show --company x", "'x' is not a company handle such as c|1")]
    [InlineData("company webhook-secret", "Required argument missing")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    private static async Task<IpsApiProcess> AcmeAsync()
    {
        var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);
        return cli;
    }

    [GeneratedRegex("^whsec_[0-9a-f]{64}$")]
    private static partial Regex Secret();
}
