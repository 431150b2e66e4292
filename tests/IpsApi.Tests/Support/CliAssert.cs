namespace IpsApi.Tests.Support;

/// <summary>What every subcommand promises of a bad argument.</summary>
public static class CliAssert
{
    /// <summary>Runs <c>ipsapi</c> with <paramref name="arguments"/> (split at spaces): exit 2, nothing on stdout, one <c>ipsapi: </c> line on stderr mentioning <paramref name="mentions"/>.</summary>
    public static async Task RefusedAsBadArgumentsAsync(string arguments, string mentions)
    {
        using var cli = new IpsApiProcess();
        var (exitCode, output, error) = await cli.RunAsync(null, arguments.Split(' '));
        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ipsapi: ", line, StringComparison.Ordinal);
        Assert.Contains(mentions, line, StringComparison.Ordinal);
    }
}
