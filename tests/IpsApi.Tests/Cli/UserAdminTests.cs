using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary><c>ipsapi user disable|enable|update|remove</c> and what <c>user list</c> shows of them.</summary>
public sealed class UserAdminTests
{
    [Fact]
    public async Task Disable_RefusesTheRightPasswordExactlyAsAWrongOne_EvenWhenRemembered_AndEnableRestoresIt()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        using var cli = PostgresCli(stack);
        var admin = stack.Admin;
        Task<SoapReply> LoginAsync(string password) =>
            stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(admin.Email, password), stack.Company.Handle, [stack.Url("a.jpg")]));

        await stack.AcceptAsync(stack.Url("a.jpg"));
        var wrongPassword = await LoginAsync("not-the-password");
        var disabled = await cli.RunAsync(null, "user", "disable", "--email", admin.Email);
        var whileDisabled = await LoginAsync(admin.Password);
        var listed = await cli.RunAsync(null, "user", "list");
        var enabled = await cli.RunAsync(null, "user", "enable", "--email", admin.Email);
        var afterwards = await LoginAsync(admin.Password);

        Assert.Equal(10001, wrongPassword.Fault.Code);
        Assert.True(disabled.ExitCode == 0, disabled.Err);
        Assert.Equal($"Disabled {admin.Email}: its logins are refused.", disabled.Out.TrimEnd());
        Assert.Equal((wrongPassword.Status, wrongPassword.Body), (whileDisabled.Status, whileDisabled.Body));
        var line = Assert.Single(listed.Out.Split('\n'), l => l.StartsWith($"{admin.Email}\tIpsAdmin\tall", StringComparison.Ordinal));
        Assert.EndsWith("\tyes", line, StringComparison.Ordinal);
        Assert.Equal(0, enabled.ExitCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, afterwards.Status);
    }

    [Fact]
    public async Task Remove_RefusesAUserWhoSubmittedInvalidations_AndWithoutYesRemovesNothing()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        using var cli = PostgresCli(stack);
        await stack.AcceptAsync(stack.Url("a.jpg"));

        var withoutYes = await cli.RunAsync(null, "user", "remove", "--email", stack.Admin.Email);
        var submitter = await cli.RunAsync(null, "user", "remove", "--email", stack.Admin.Email, "--yes");

        Assert.Equal(1, withoutYes.ExitCode);
        Assert.EndsWith($"ipsapi: would remove user {stack.Admin.Email} and its company memberships: run again with --yes", withoutYes.Err.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(1, submitter.ExitCode);
        Assert.EndsWith(
            $"submitted 1 invalidation(s), which keep naming who asked: disable the user instead (ipsapi user disable --email {stack.Admin.Email})",
            submitter.Err.TrimEnd(),
            StringComparison.Ordinal);
        Assert.Contains(stack.Admin.Email, (await cli.RunAsync(null, "user", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAndRemove_OnTheEmbeddedStore()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "One", "--root", "One", "--publish-host", "one.test")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(null, "company", "add", "--name", "Two", "--root", "Two", "--publish-host", "two.test")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("a-long-password\n", "user", "add", "--email", "u@one.test", "--role", "IpsCompanyAdmin", "--company", "c|1", "--password-stdin")).ExitCode);

        var moved = await cli.RunAsync(null, "user", "update", "--email", "u@one.test", "--company", "c|2", "--company", "c|1");
        var promoted = await cli.RunAsync(null, "user", "update", "--email", "U@one.test", "--role", "IpsAdmin", "--company", "");
        var listed = await cli.RunAsync(null, "user", "list");
        var removed = await cli.RunAsync(null, "user", "remove", "--email", "u@one.test", "--yes");
        var unknown = await cli.RunAsync(null, "user", "disable", "--email", "u@one.test");

        Assert.Equal("Updated u@one.test: IpsCompanyAdmin in c|1,c|2.", moved.Out.TrimEnd());
        Assert.Equal("Updated u@one.test: IpsAdmin in all.", promoted.Out.TrimEnd());
        Assert.Equal(["EMAIL\tROLE\tCOMPANIES\tDISABLED", "u@one.test\tIpsAdmin\tall\tno"], listed.Out.TrimEnd().Split('\n'));
        Assert.Equal("Removed user u@one.test.", removed.Out.TrimEnd());
        Assert.Equal(1, unknown.ExitCode);
        Assert.EndsWith("ipsapi: --email u@one.test is no user", unknown.Err.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user update --email a@b.test", "nothing to change: give --role or --company")]
    [InlineData("user update --email a@b.test --role Boss", "--role 'Boss' is not an IPS role")]
    [InlineData("user update --email a@b.test --company x", "--company 'x' is not a company handle such as c|1")]
    [InlineData("user disable", "--email")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    private static IpsApiProcess PostgresCli(PurgeStack stack) => new(new Dictionary<string, string?>
    {
        ["Database__Provider"] = "Postgres",
        ["ConnectionStrings__IpsApi"] = stack.ConnectionString,
    });
}
