using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary>
/// Which store each command uses, run through the real executable: the embedded default lives in
/// the user's data directory whatever the working directory, every command names its store first
/// on standard error, and commands that only read never create one.
/// </summary>
public sealed class StoreLocationTests
{
    private const string AddCompany = "company add --name Example --root Example --publish-host images.example.com";

    [Fact]
    public async Task EmbeddedDefault_WithXdgDataHome_IsIpsapiDbInIt()
    {
        using var cli = new IpsApiProcess();
        var dataHome = cli.CreateDirectory("xdg");
        cli.Environment["XDG_DATA_HOME"] = dataHome;

        var (exitCode, _, error) = await cli.RunAsync(null, AddCompany.Split(' '));

        var store = Path.Combine(dataHome, "ipsapi", "ipsapi.db");
        Assert.Equal(0, exitCode);
        Assert.Equal($"ipsapi: store SQLite {store}", Lines(error)[0]);
        Assert.True(File.Exists(store));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/data")]
    public async Task EmbeddedDefault_WithoutAnAbsoluteXdgDataHome_IsUnderHome(string? dataHome)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["XDG_DATA_HOME"] = dataHome });

        var (exitCode, _, error) = await cli.RunAsync(null, AddCompany.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Equal($"ipsapi: store SQLite {cli.DefaultStore}", Lines(error)[0]);
        Assert.Equal(Path.Combine(cli.Home, ".local", "share", "ipsapi", "ipsapi.db"), cli.DefaultStore);
        Assert.True(File.Exists(cli.DefaultStore));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task EmbeddedDefault_FromTwoWorkingDirectories_IsOneStore()
    {
        using var cli = new IpsApiProcess();
        var first = cli.CreateDirectory("a");
        var second = cli.CreateDirectory("b");

        var added = await cli.RunInAsync(first, null, AddCompany.Split(' '));
        var listed = await cli.RunInAsync(second, null, "company", "list");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(
            ["HANDLE\tROOT\tNAME\tPUBLISH HOSTS", "c|1\tExample\tExample\timages.example.com"],
            Lines(listed.Out).Select(line => string.Join('\t', line.Split('\t').Take(4))));
        Assert.Equal(Lines(added.Err)[0], Lines(listed.Err)[0]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(first));
        Assert.Empty(Directory.EnumerateFileSystemEntries(second));
    }

    [Fact]
    public async Task ExplicitRelativeDataSource_IsTakenFromTheWorkingDirectory()
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["ConnectionStrings__IpsApi"] = "Data Source=stores/ipsapi.db" });

        var (exitCode, _, error) = await cli.RunAsync(null, AddCompany.Split(' '));

        var store = Path.Combine(cli.WorkingDirectory, "stores", "ipsapi.db");
        Assert.Equal(0, exitCode);
        Assert.Equal($"ipsapi: store SQLite {store}", Lines(error)[0]);
        Assert.True(File.Exists(store));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Home));
    }

    [Theory]
    [InlineData("company list")]
    [InlineData("user list")]
    public async Task ListCommand_OnAMissingStore_ExitsOneAndCreatesNothing(string arguments)
    {
        using var cli = new IpsApiProcess();

        var (exitCode, output, error) = await cli.RunAsync(null, arguments.Split(' '));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal(
            [
                $"ipsapi: store SQLite {cli.DefaultStore}",
                $"ipsapi: no store at {cli.DefaultStore}: 'ipsapi serve' or 'ipsapi migrate' creates it; to use another, set ConnectionStrings:IpsApi",
            ],
            Lines(error));
        Assert.False(Directory.Exists(Path.GetDirectoryName(cli.DefaultStore)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Theory]
    [InlineData(AddCompany)]
    [InlineData("company list")]
    [InlineData("migrate")]
    [InlineData("worker")]
    [InlineData("serve")]
    public async Task NoHomeDirectory_StopsInOneLineNamingTheConnectionString(string arguments)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["HOME"] = null });
        if (arguments == "serve")
        {
            arguments += $" --urls http://127.0.0.1:{IpsApiProcess.FreePort()}";
        }

        var (exitCode, output, error) = await cli.RunAsync(null, arguments.Split(' '));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal(
            "ipsapi: the embedded store has no default location: neither HOME nor XDG_DATA_HOME is set to an absolute path. "
            + "Set ConnectionStrings:IpsApi (environment ConnectionStrings__IpsApi) to the store to use, e.g. 'Data Source=/var/lib/ipsapi/ipsapi.db'.",
            Assert.Single(Lines(error)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task DataDirectoryThatCannotBeCreated_StopsInOneLineNamingTheConnectionString()
    {
        using var cli = new IpsApiProcess();
        // A HOME that is a file: no directory can be made under it, even by root.
        var home = Path.Combine(cli.CreateDirectory("not-a-home"), "file");
        await File.WriteAllTextAsync(home, "");
        cli.Environment["HOME"] = home;

        var (exitCode, output, error) = await cli.RunAsync(null, AddCompany.Split(' '));

        var directory = Path.Combine(home, ".local", "share", "ipsapi");
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal(2, Lines(error).Length);
        Assert.Equal($"ipsapi: store SQLite {Path.Combine(directory, "ipsapi.db")}", Lines(error)[0]);
        Assert.StartsWith($"ipsapi: cannot create {directory} for the SQLite store (", Lines(error)[1], StringComparison.Ordinal);
        Assert.EndsWith(
            "). Set ConnectionStrings:IpsApi (environment ConnectionStrings__IpsApi) to a store this user may write.", Lines(error)[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData(AddCompany)]
    [InlineData("company list")]
    [InlineData("user add --email admin@example.com --role IpsAdmin --password-stdin")]
    [InlineData("user list")]
    [InlineData("user passwd --email admin@example.com --password-stdin")]
    public async Task EveryStoreCommand_NamesItsStoreFirstOnStandardError(string arguments)
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "migrate")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("a-long-password\n", "user", "add", "--email", "admin@example.com", "--role", "IpsAdmin", "--password-stdin")).ExitCode);
        if (arguments.StartsWith("user add", StringComparison.Ordinal))
        {
            arguments = arguments.Replace("admin@", "second@", StringComparison.Ordinal);
        }

        var (exitCode, output, error) = await cli.RunAsync("another-long-password\n", arguments.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Equal($"ipsapi: store SQLite {cli.DefaultStore}", Lines(error)[0]);
        Assert.DoesNotContain("ipsapi: store", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("worker")]
    public async Task ServeAndWorker_NameTheirStoreFirstOnStandardError(string command)
    {
        using var cli = new IpsApiProcess();
        using var process = cli.Start(command == "serve" ? [command, "--urls", $"http://127.0.0.1:{IpsApiProcess.FreePort()}"] : [command]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var first = await process.StandardError.ReadLineAsync(timeout.Token);

            Assert.Equal($"ipsapi: store SQLite {cli.DefaultStore}", first);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
