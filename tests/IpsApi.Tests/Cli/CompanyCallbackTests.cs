using System.Text.RegularExpressions;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi company callback</c>: a company's completion callback URL and its signing secret.</summary>
public sealed partial class CompanyCallbackTests
{
    [Fact]
    public async Task Callback_PrintsANewSecretOnlyWhenOneIsMade_RotateChangesIt_RemoveClearsBoth()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);

        var set = await cli.RunAsync(null, "company", "callback", "c|1", "--url", "https://hooks.acme.test/ipsapi?token=abc");
        var moved = await cli.RunAsync(null, "company", "callback", "c|1", "--url", "http://hooks2.acme.test:8080/in");
        var shown = await cli.RunAsync(null, "company", "show", "c|1");
        var rotated = await cli.RunAsync(null, "company", "callback", "c|1", "--rotate");
        var removed = await cli.RunAsync(null, "company", "callback", "c|1", "--remove");
        var shownAfter = await cli.RunAsync(null, "company", "show", "c|1");
        var rotateWithout = await cli.RunAsync(null, "company", "callback", "c|1", "--rotate");

        Assert.Equal(0, set.ExitCode);
        var secret = set.Out.TrimEnd().Split('\n')[^1];
        Assert.Matches(Secret(), secret);
        Assert.Contains("Callback of company c|1: https://hooks.acme.test/ipsapi?token=abc", set.Out, StringComparison.Ordinal);
        Assert.Equal(0, moved.ExitCode);
        Assert.Contains("The signing secret is unchanged.", moved.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", moved.Out, StringComparison.Ordinal);
        Assert.Contains("callback:             http://hooks2.acme.test:8080/in", shown.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", shown.Out + shown.Err, StringComparison.Ordinal);
        Assert.Equal(0, rotated.ExitCode);
        var newSecret = rotated.Out.TrimEnd().Split('\n')[^1];
        Assert.Matches(Secret(), newSecret);
        Assert.NotEqual(secret, newSecret);
        Assert.Equal((0, "Removed the callback of company c|1."), (removed.ExitCode, removed.Out.TrimEnd()));
        Assert.Contains("callback:             none", shownAfter.Out, StringComparison.Ordinal);
        Assert.Equal((1, ""), (rotateWithout.ExitCode, rotateWithout.Out));
        Assert.EndsWith("ipsapi: company c|1 has no callback URL: set one with --url URL", rotateWithout.Err.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_AcceptsAUrlOf2048Characters_AndRefuses2049()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);
        var prefix = "https://hooks.acme.test/";

        var longest = await cli.RunAsync(null, "company", "callback", "c|1", "--url", prefix + new string('a', 2048 - prefix.Length));
        var tooLong = await cli.RunAsync(null, "company", "callback", "c|1", "--url", prefix + new string('a', 2049 - prefix.Length));

        Assert.Equal(0, longest.ExitCode);
        Assert.Equal((2, ""), (tooLong.ExitCode, tooLong.Out));
        Assert.Contains("--url must be 1 to 2048 characters", Assert.Single(tooLong.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("company callback c|1", "nothing to do: give --url URL, --rotate or --remove")]
    [InlineData("company callback c|1 --remove --rotate", "--remove goes alone")]
    [InlineData("company callback c|1 --url ftp://hooks.acme.test/x", "--url must be an absolute http:// or https:// URL of printable ASCII")]
    [InlineData("company callback c|1 --url /hooks/x", "--url must be an absolute http:// or https:// URL of printable ASCII")]
    [InlineData("company callback c|1 --url https://user:secret@hooks.acme.test/x", "--url must not carry user information")]
    [InlineData("company callback x --rotate", "'x' is not a company handle such as c|1")]
    public async Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
    {
        using var cli = new IpsApiProcess();
        var (exitCode, output, error) = await cli.RunAsync(null, arguments.Split(' '));
        Assert.Equal((2, ""), (exitCode, output));
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(mentions, line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret@", line, StringComparison.Ordinal);
    }

    [GeneratedRegex("^whsec_[0-9a-f]{64}$")]
    private static partial Regex Secret();
}
