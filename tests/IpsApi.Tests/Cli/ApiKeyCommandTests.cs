using System.Text.RegularExpressions;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi apikey create|list|revoke</c> on the embedded store.</summary>
public sealed partial class ApiKeyCommandTests
{
    [Fact]
    public async Task Create_PrintsTheKeyOnce_ListShowsOnlyItsPrefix_RevokeByPrefixOrId()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Acme", "--root", "Acme", "--publish-host", "img.acme.test")).ExitCode);

        var created = await cli.RunAsync(null, "apikey", "create", "--company", "c|1", "--name", "DAM webhook");
        var second = await cli.RunAsync(null, "apikey", "create", "--company", "c|1", "--name", "CI");
        var listed = await cli.RunAsync(null, "apikey", "list", "--company", "c|1");
        var key = created.Out.TrimEnd().Split('\n')[^1];
        var prefix = key[..17];
        var revoked = await cli.RunAsync(null, "apikey", "revoke", prefix);
        var revokedAgain = await cli.RunAsync(null, "apikey", "revoke", "1");
        var revokedById = await cli.RunAsync(null, "apikey", "revoke", "2");
        var listedAfter = await cli.RunAsync(null, "apikey", "list");
        var unknown = await cli.RunAsync(null, "apikey", "revoke", "ipsk_000000000000");
        var noCompany = await cli.RunAsync(null, "apikey", "create", "--company", "c|9", "--name", "x");
        var noName = await cli.RunAsync(null, "apikey", "create", "--company", "c|1", "--name", " ");

        Assert.True(created.ExitCode == 0, created.Err);
        Assert.Matches(KeyForm(), key);
        Assert.Contains($"Created API key 1 'DAM webhook' of company c|1, prefix {prefix}.", created.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains($"1\tc|1\t{prefix}\tDAM webhook\t", listed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key[18..], listed.Out + listed.Err, StringComparison.Ordinal);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal($"Revoked API key 1 ({prefix}) 'DAM webhook' of company c|1.", revoked.Out.Trim());
        Assert.StartsWith($"API key 1 ({prefix}) of company c|1 was revoked already, at ", revokedAgain.Out, StringComparison.Ordinal);
        Assert.Equal(0, revokedById.ExitCode);
        Assert.DoesNotContain("\t-\n", listedAfter.Out.Split('\n', 2)[1].Replace("\r", "", StringComparison.Ordinal) + "\n", StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("ipsapi: key 'ipsk_000000000000' is neither the id nor the prefix", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(1, noCompany.ExitCode);
        Assert.Contains("ipsapi: no company c|9: 'ipsapi company list' shows the handles", noCompany.Err, StringComparison.Ordinal);
        Assert.Equal(1, noName.ExitCode);
        Assert.Contains("ipsapi: name must be 1 to 100 characters without control characters", noName.Err, StringComparison.Ordinal);
    }

    [GeneratedRegex("^ipsk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyForm();
}
