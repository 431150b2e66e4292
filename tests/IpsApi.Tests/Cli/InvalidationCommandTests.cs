using System.Text.Json;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi invalidation add|purge-all|list|show</c> on the embedded store, run as the executable.</summary>
public sealed class InvalidationCommandTests
{
    private const string Host = "https://img.acme.test/is/image/Acme/";

    [Fact]
    public async Task Add_PrintsTheHandleFirst_AndListAndShowFindIt()
    {
        using var cli = await WithCompanyAsync();
        var file = Path.Combine(cli.CreateDirectory("in"), "urls.txt");
        await File.WriteAllTextAsync(file, $"{Host}a\n# a comment\n\n  {Host}b?$PLP$  \n{Host}a\n");

        var added = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--file", file, "--url", $"{Host}c");
        var handle = added.Out.Split('\n')[0];
        var list = await cli.RunAsync(null, "invalidation", "list");
        var json = await cli.RunAsync(null, "invalidation", "list", "--json", "--company", "c|1", "--kind", "manual");
        var shown = await cli.RunAsync(null, "invalidation", "show", handle);

        Assert.Equal(0, added.ExitCode);
        Assert.Matches(@"^i\|1\|1\|[A-Za-z0-9_-]{22}$", handle);
        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"^HANDLE\s+KIND\s+SCOPE\s+SUBMITTED\s+BY\s+URLS\s+STATUS$", rows[0]);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(handle)}\s+manual\s+urls\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\s+cli:\S+\s+3\s+Received$", rows[1]);
        var summary = Assert.Single(JsonDocument.Parse(json.Out).RootElement.EnumerateArray());
        Assert.Equal((handle, 3, "Received"), (summary.GetProperty("handle").GetString(), summary.GetProperty("urlCount").GetInt32(), summary.GetProperty("status").GetString()));
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains($"handle:       {handle}", shown.Out, StringComparison.Ordinal);
        Assert.Contains("batch 1 of 1: Received, 3 URL(s)", shown.Out, StringComparison.Ordinal);
        Assert.Contains($"  {Host}c\n  {Host}a\n  {Host}b?$PLP$\n", shown.Out, StringComparison.Ordinal);
        Assert.Contains(" with ipsapi", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_PrintsTheUrlsItWouldSubmit_AndStoresNothing()
    {
        using var cli = await WithCompanyAsync();

        var dry = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", $"{Host}a", "--url", $"{Host}a", "--url", $"{Host}b", "--dry-run");
        var list = await cli.RunAsync(null, "invalidation", "list", "--json");

        Assert.Equal(0, dry.ExitCode);
        Assert.Equal($"{Host}a\n{Host}b\n", dry.Out);
        Assert.Contains("dry run: 2 URL(s) would be submitted; nothing was stored", dry.Err, StringComparison.Ordinal);
        Assert.Equal("[]", list.Out.Trim());
    }

    [Fact]
    public async Task Add_WithAUrlOutsideTheCompany_IsRefusedWhole_InOneLine()
    {
        using var cli = await WithCompanyAsync();

        var refused = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", $"{Host}a", "--url", "https://img.acme.test/is/image/Other/b");
        var list = await cli.RunAsync(null, "invalidation", "list", "--json");

        Assert.Equal((1, ""), (refused.ExitCode, refused.Out));
        var line = refused.Err.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("ipsapi: refused with fault 30001: Some URLs are not defined correctly. Correct and resubmit.", line, StringComparison.Ordinal);
        Assert.Contains("URL 2 'https://img.acme.test/is/image/Other/b'", line, StringComparison.Ordinal);
        Assert.Equal("[]", list.Out.Trim());
    }

    [Fact]
    public async Task AddWait_WithAWorkerRunning_ShowsEachChangeAndExitsZeroOnDone()
    {
        using var cli = await WithCompanyAsync();
        using var worker = cli.Start("worker");
        try
        {
            var added = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", $"{Host}a", "--wait");

            Assert.Equal(0, added.ExitCode);
            var lines = added.Out.TrimEnd().Split('\n');
            Assert.Matches(@"^i\|1\|1\|", lines[0]);
            Assert.Matches(@"^\d\d:\d\d:\d\d Done 1/1 URLs purged$", lines[^1]);
            Assert.Equal(lines.Length - 1, lines.Skip(1).Distinct().Count());
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("invalidation add --company c|1", "give the URLs with --url or --file")]
    [InlineData("invalidation add --url https://x.test/a", "Option '--company' is required.")]
    [InlineData("invalidation add --company 1 --url https://x.test/a", "'1' is not a company handle such as c|1")]
    [InlineData("invalidation add --company c|1 --url https://x.test/a --dry-run --wait", "--dry-run and --wait cannot be used together")]
    [InlineData("invalidation list --status Pending", "'Pending'")]
    [InlineData("invalidation list --kind robot", "'robot'")]
    [InlineData("invalidation list --since yesterday", "--since 'yesterday' is not a date or time")]
    [InlineData("invalidation list --limit 0", "--limit must be from 1 to 10000")]
    [InlineData("invalidation list --limit 10001", "--limit must be from 1 to 10000")]
    [InlineData("invalidation show c|1", "'c|1' is not an invalidation handle")]
    [InlineData("invalidation purge-all --company c|1", "purge-all would drop every cached object of company c|1 on every tier (origin and CDN); add --yes to do it")]
    [InlineData("invalidation purge-all --company c|1 --wait", "add --yes to do it")]
    [InlineData("invalidation purge-all --yes", "Option '--company' is required.")]
    [InlineData("invalidation purge-all --company acme --yes", "'acme' is not a company handle such as c|1")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    [Fact]
    public async Task PurgeAll_WithoutYes_StoresNothing()
    {
        using var cli = await WithCompanyAsync();

        var refused = await cli.RunAsync(null, "invalidation", "purge-all", "--company", "c|1");
        var list = await cli.RunAsync(null, "invalidation", "list", "--json");

        Assert.Equal((2, ""), (refused.ExitCode, refused.Out));
        Assert.Equal("[]", list.Out.Trim());
    }

    [Fact]
    public async Task PurgeAllWait_WithAWorkerRunning_PrintsTheHandleFirst_EndsDone_AndTheLogShowsScopeAll()
    {
        using var cli = await WithCompanyAsync();
        using var worker = cli.Start("worker");
        try
        {
            var purged = await cli.RunAsync(null, "invalidation", "purge-all", "--company", "c|1", "--yes", "--wait");
            var list = await cli.RunAsync(null, "invalidation", "list");
            var handle = purged.Out.Split('\n')[0];
            var shown = await cli.RunAsync(null, "invalidation", "show", handle);

            Assert.Equal(0, purged.ExitCode);
            Assert.Matches(@"^i\|1\|1\|[A-Za-z0-9_-]{22}$", handle);
            Assert.Matches(@"^\d\d:\d\d:\d\d Done whole cache purged$", purged.Out.TrimEnd().Split('\n')[^1]);
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(handle)}\s+manual\s+all\s+.+\s+cli:\S+\s+0\s+Done$", list.Out.TrimEnd().Split('\n')[1]);
            Assert.Contains("URLs:         none: the company's whole cache, in 1 batch(es)", shown.Out, StringComparison.Ordinal);
            Assert.Contains("batch 1 of 1: Done, 0 URL(s)", shown.Out, StringComparison.Ordinal);
            Assert.Contains("  purged by:  log", shown.Out, StringComparison.Ordinal);
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task PurgeAll_OfAnUnknownCompany_ExitsOneWithTheFault()
    {
        using var cli = await WithCompanyAsync();

        var (exitCode, output, error) = await cli.RunAsync(null, "invalidation", "purge-all", "--company", "c|7", "--yes");

        Assert.Equal((1, ""), (exitCode, output));
        Assert.EndsWith("ipsapi: refused with fault 20000: Invalid company: 'c|7' does not name a company this user may access.", error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_OfAnUnknownHandle_ExitsOne()
    {
        using var cli = await WithCompanyAsync();
        var (exitCode, _, error) = await cli.RunAsync(null, "invalidation", "show", "i|1|9|AAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(1, exitCode);
        Assert.EndsWith("ipsapi: no invalidation i|1|9|AAAAAAAAAAAAAAAAAAAAAA: 'ipsapi invalidation list' shows the handles", error.TrimEnd(), StringComparison.Ordinal);
    }

    private static async Task<IpsApiProcess> WithCompanyAsync()
    {
        var cli = new IpsApiProcess();
        var added = await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test");
        Assert.Equal(0, added.ExitCode);
        return cli;
    }
}
