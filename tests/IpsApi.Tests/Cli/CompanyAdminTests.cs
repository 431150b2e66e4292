using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi company list</c> (its settings, never a secret), <c>company rename</c> and <c>company remove</c>.</summary>
public sealed class CompanyAdminTests
{
    [Fact]
    public async Task List_ShowsEachCompanysSettings_AndWhetherACallbackIsSet_NeverItsSecret()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "One", "--root", "One", "--publish-host", "one.test")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Two", "--root", "Two", "--publish-host", "two.test")).ExitCode);
        var callback = await cli.RunAsync(null, "company", "callback", "c|1", "--url", "https://hooks.one.test/ipsapi");
        Assert.Equal(0, (await cli.RunAsync(null, "company", "update", "c|2", "--requests-per-minute", "10", "--urls-per-hour", "500", "--invalidation", "disabled", "--all-variants", "on")).ExitCode);

        var (exitCode, output, _) = await cli.RunAsync(null, "company", "list");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            [
                "HANDLE\tROOT\tNAME\tPUBLISH HOSTS\tREQUESTS/MIN\tURLS/HOUR\tINVALIDATION\tALL VARIANTS\tCALLBACK",
                "c|1\tOne\tOne\tone.test\t0\t0\tenabled\toff\tyes",
                "c|2\tTwo\tTwo\ttwo.test\t10\t500\tdisabled\ton\tno",
            ],
            output.TrimEnd().Split('\n'));
        var secret = callback.Out.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_ChangesTheNameOnly_TheHandleAndRootStay()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Old", "--root", "Keep", "--publish-host", "keep.test")).ExitCode);

        var renamed = await cli.RunAsync(null, "company", "rename", "c|1", "--to", "New Name");
        var dryRun = await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", "https://keep.test/is/image/Keep/a.jpg", "--dry-run");
        var shown = await cli.RunAsync(null, "company", "show", "c|1");

        Assert.Equal("Renamed company c|1 to 'New Name'; its root Keep and URLs are unchanged.", renamed.Out.TrimEnd());
        Assert.True(dryRun.ExitCode == 0, dryRun.Err);
        Assert.Contains("name:                 New Name", shown.Out, StringComparison.Ordinal);
        Assert.Contains("root:                 Keep", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_WithoutYesSaysWhatWouldGo_IsRefusedWithWorkInFlight_AndOtherwiseRemovesIt()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Busy", "--root", "Busy", "--publish-host", "busy.test")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Idle", "--root", "Idle", "--publish-host", "idle.test")).ExitCode);
        // No worker runs here: the batch stays in the queue, in flight.
        Assert.Equal(0, (await cli.RunAsync(null, "invalidation", "add", "--company", "c|1", "--url", "https://busy.test/is/image/Busy/a.jpg")).ExitCode);

        var withoutYes = await cli.RunAsync(null, "company", "remove", "c|1");
        var busy = await cli.RunAsync(null, "company", "remove", "c|1", "--yes");
        var idle = await cli.RunAsync(null, "company", "remove", "c|2", "--yes");
        var gone = await cli.RunAsync(null, "company", "show", "c|2");
        var listed = await cli.RunAsync(null, "company", "list");

        Assert.Equal((1, ""), (withoutYes.ExitCode, withoutYes.Out));
        Assert.EndsWith(
            "ipsapi: would remove company c|1 'Busy' (root Busy) with 1 invalidation request(s) and their batches, jobs and audit records, "
            + "0 API key(s) and 0 user membership(s); the users themselves stay: run again with --yes",
            withoutYes.Err.TrimEnd(),
            StringComparison.Ordinal);
        Assert.Equal(1, busy.ExitCode);
        Assert.EndsWith(
            "ipsapi: company c|1 has work in flight (1 purge batch(es), 0 follow-up job(s)): remove it once 'ipsapi queue list' shows none of its work, "
            + "or switch its invalidation off first (company update --invalidation disabled)",
            busy.Err.TrimEnd(),
            StringComparison.Ordinal);
        Assert.Equal(0, idle.ExitCode);
        Assert.StartsWith("Removed company c|2 'Idle'", idle.Out, StringComparison.Ordinal);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal(2, listed.Out.TrimEnd().Split('\n').Length);
    }

    [Theory]
    [InlineData("company rename c|1", "--to")]
    [InlineData("company rename x --to Y", "'x' is not a company handle such as c|1")]
    [InlineData("company remove", "Required argument missing")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);
}
