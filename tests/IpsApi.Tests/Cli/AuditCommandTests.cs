using System.Text.Json;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi audit list</c> on the embedded store, run as the executable.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task List_ShowsWhoAskedForWhat_NewestFirst_AndFilters()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Beta", "--root", "Beta", "--publish-host", "img.beta.test")).ExitCode);
        var first = (await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", "https://img.acme.test/is/image/Acme/a", "--url", "https://img.acme.test/is/image/Acme/b")).Out.Split('\n')[0];
        var second = (await cli.RunAsync(null, "invalidation", "add", "--company", "c|2", "--url", "https://img.beta.test/is/image/Beta/a")).Out.Split('\n')[0];

        var all = await cli.RunAsync(null, "audit", "list");
        var acme = await cli.RunAsync(null, "audit", "list", "--company", "c|1", "--json");
        var newest = await cli.RunAsync(null, "audit", "list", "--limit", "1", "--json");
        var nobody = await cli.RunAsync(null, "audit", "list", "--user", "nobody@example.test", "--json");
        var later = await cli.RunAsync(null, "audit", "list", "--since", DateTime.Now.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.Equal(0, all.ExitCode);
        var rows = all.Out.TrimEnd().Split('\n');
        Assert.Equal(3, rows.Length);
        Assert.Matches(@"^AT\s+ACTION\s+USER\s+HANDLE\s+COMPANY\s+URLS\s+APP\s+CLIENT$", rows[0]);
        Assert.Matches($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\s+submit\s+cli:\S+\s+{System.Text.RegularExpressions.Regex.Escape(second)}\s+c\|2\s+1\s+ipsapi\b", rows[1]);
        Assert.Matches($@"\s+{System.Text.RegularExpressions.Regex.Escape(first)}\s+c\|1\s+2\s+", rows[2]);

        var entry = Assert.Single(JsonDocument.Parse(acme.Out).RootElement.EnumerateArray());
        Assert.Equal(
            ("submit", first, "c|1", 2, true),
            (entry.GetProperty("action").GetString(), entry.GetProperty("handle").GetString(), entry.GetProperty("company").GetString(),
                entry.GetProperty("urlCount").GetInt32(), entry.GetProperty("requestKept").GetBoolean()));
        Assert.StartsWith("cli:", entry.GetProperty("user").GetString(), StringComparison.Ordinal);
        Assert.Equal(second, Assert.Single(JsonDocument.Parse(newest.Out).RootElement.EnumerateArray()).GetProperty("handle").GetString());
        Assert.Equal("[]", nobody.Out.Trim());
        Assert.Equal("[]", later.Out.Trim());
    }

    [Fact]
    public async Task List_TakesTheLargestLimit()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "migrate")).ExitCode);
        var (exitCode, output, _) = await cli.RunAsync(null, "audit", "list", "--limit", "10000", "--json");
        Assert.Equal((0, "[]"), (exitCode, output.Trim()));
    }

    [Theory]
    [InlineData("audit list --limit 0", "--limit must be from 1 to 10000")]
    [InlineData("audit list --limit 10001", "--limit must be from 1 to 10000")]
    [InlineData("audit list --company acme", "'acme' is not a company handle")]
    [InlineData("audit list --since yesterday", "--since 'yesterday' is not a date")]
    [InlineData("audit", "audit")]
    public Task BadArguments_ExitTwo_InOneLine(string arguments, string mentions) => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);
}
