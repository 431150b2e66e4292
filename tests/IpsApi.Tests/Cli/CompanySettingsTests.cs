using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi company update</c> and <c>company show</c>: a company's usage rules, query variants, purge-all targets.</summary>
public sealed class CompanySettingsTests
{
    [Fact]
    public async Task Update_ChangesOnlyTheSettingsGiven_AndShowPrintsThem()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);

        var first = await cli.RunAsync(null, "company", "update", "c|1", "--requests-per-minute", "10", "--invalidation", "disabled",
            "--akamai-cpcode", "123", "--akamai-cpcode", "456", "--fastly-surrogate-key", "acme");
        var second = await cli.RunAsync(null, "company", "update", "c|1", "--urls-per-hour", "5000", "--all-variants", "on", "--akamai-cpcode", "0");
        var shown = await cli.RunAsync(null, "company", "show", "c|1");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Akamai CP codes:      123, 456", first.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, shown.ExitCode);
        Assert.Equal(
            [
                "handle:               c|1",
                "name:                 Acme",
                "root:                 Acme",
                "publish hosts:        img.acme.test",
                "invalidation:         disabled",
                "requests per minute:  10 per minute",
                "URLs per hour:        5000 per hour",
                "all query variants:   on",
                "Akamai CP codes:      none",
                "Fastly service:       none",
                "Fastly surrogate key: acme",
                "callback:             none",
                "CDN template:         none",
                "webhook secret:       none",
            ],
            shown.Out.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("company update c|1", "nothing to change: give at least one option")]
    [InlineData("company update x --all-variants on", "'x' is not a company handle such as c|1")]
    [InlineData("company update c|1 --all-variants maybe", "'maybe'")]
    [InlineData("company update c|1 --invalidation off", "'off'")]
    [InlineData("company update c|1 --requests-per-minute -1", "--requests-per-minute must be from 0 (unlimited) to 1000000000")]
    [InlineData("company update c|1 --akamai-cpcode 0 --akamai-cpcode 5", "--akamai-cpcode 0 is not a CP code")]
    [InlineData("company update c|1 --fastly-service a/b", "--fastly-service 'a/b' must be up to 100 ASCII letters")]
    [InlineData("company update c|1 --publish-host http://x.test", "--publish-host 'http://x.test' is not a host name")]
    [InlineData("company show", "Required argument missing")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    [Fact]
    public async Task Update_OfAnUnknownCompany_ExitsOneNamingIt()
    {
        using var cli = new IpsApiProcess();
        var (exitCode, output, error) = await cli.RunAsync(null, "company", "update", "c|9", "--all-variants", "on");
        Assert.Equal((1, ""), (exitCode, output));
        Assert.EndsWith("ipsapi: no company c|9: 'ipsapi company list' shows the handles", error.TrimEnd(), StringComparison.Ordinal);
    }
}
