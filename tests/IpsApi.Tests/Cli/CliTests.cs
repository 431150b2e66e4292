using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

public sealed class CliTests
{
    [Fact]
    public async Task Help_ListsTheSubcommands()
    {
        using var cli = new IpsApiProcess();
        var (exitCode, output, _) = await cli.RunAsync(null, "--help");
        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "serve", "worker", "migrate", "company", "user" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("company add --help", "--publish-host")]
    [InlineData("user add --help", "--password-stdin")]
    [InlineData("user passwd --help", "--password-stdin")]
    [InlineData("serve --help", "--urls")]
    [InlineData("serve --help", "--no-workers")]
    [InlineData("worker --help", "--workers")]
    public async Task EachSubcommand_HasHelp(string arguments, string mentions)
    {
        using var cli = new IpsApiProcess();
        var (exitCode, output, _) = await cli.RunAsync(null, arguments.Split(' '));
        Assert.Equal(0, exitCode);
        Assert.Contains(mentions, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("company add --name X --publish-host a.test", "Option '--root' is required.")]
    [InlineData("user add --email a@b.test --role Nobody --password-stdin", "Nobody")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("company add --name X --root X --publish-host a.test --colour red", "--colour")]
    [InlineData("serve --no-workers --workers 2", "--workers and --no-workers cannot be used together.")]
    [InlineData("worker --workers 0", "--workers must be a whole number from 1 to 256, not '0'.")]
    [InlineData("serve --workers 257", "--workers must be a whole number from 1 to 256, not '257'.")]
    [InlineData("serve --workers abc", "--workers must be a whole number from 1 to 256, not 'abc'.")]
    [InlineData("worker --workers abc", "--workers must be a whole number from 1 to 256, not 'abc'.")]
    [InlineData("serve --urls notaurl", "--urls 'notaurl' is not an address")]
    [InlineData("company add --name X --root a/b --publish-host a.test", "--root 'a/b' may hold only")]
    [InlineData("company add --name X --root X --publish-host a.test --publish-host http://b.test", "--publish-host 'http://b.test' is not a host name")]
    [InlineData("user add --email not-an-address --role IpsAdmin --password-stdin", "--email 'not-an-address' is not an email address")]
    [InlineData("user add --email a@b.test --role IpsAdmin --company 1 --password-stdin", "--company '1' is not a company handle")]
    [InlineData("serve --urls http://127.0.0.1:8080/ips", "--urls 'http://127.0.0.1:8080/ips' may not have a path")]
    public Task BadArguments_ExitNonZeroWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    [Fact]
    public async Task UserAdd_WithoutPasswordStdin_RefusesWithOneLine()
    {
        using var cli = new IpsApiProcess();
        var (exitCode, _, error) = await cli.RunAsync(null, "user", "add", "--email", "a@example.test", "--role", "IpsAdmin");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("ipsapi: --password-stdin is required", Lines(error)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OnABusyPort_SaysSoInOneLine()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        using var cli = new IpsApiProcess();

        var (exitCode, _, error) = await cli.RunAsync(null, "serve", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Equal(2, Lines(error).Length);
        Assert.Equal($"ipsapi: store SQLite {cli.DefaultStore}", Lines(error)[0]);
        Assert.StartsWith("ipsapi: Failed to bind to address", Lines(error)[1], StringComparison.Ordinal);
        Assert.Contains("--urls", Lines(error)[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Invalidation__BatchSize", "0", "ipsapi: bad configuration: Invalidation:BatchSize must be from 1 to 1000.")]
    [InlineData("Soap__MaxRequestBodyBytes", "10", "ipsapi: bad configuration: Soap:MaxRequestBodyBytes must be from 4096 to 67108864.")]
    [InlineData("Purge__Cdn", "akamia", "ipsapi: Purge:Cdn names an unknown purge provider 'akamia' (known: akamai, fastly, log, varnish, or none).")]
    [InlineData("Purge__Origin", "varnish", "ipsapi: Purge:Origin names varnish, but Purge:Varnish:Nodes is empty.")]
    [InlineData("Purge__Origin", "none", "ipsapi: Purge:Origin and Purge:Cdn name no purge provider: requests would be Done with nothing purged. Name one (varnish, akamai, fastly, or log to only record purges).")]
    [InlineData("Purge__Akamai__Host", "akab-x.purge.akamaiapis.net", "ipsapi: bad configuration: Purge:Akamai:ClientToken is required when Purge:Akamai:Host is set. Purge:Akamai:ClientSecret is required when Purge:Akamai:Host is set. Purge:Akamai:AccessToken is required when Purge:Akamai:Host is set.")]
    [InlineData("Purge__MaxAttempts", "0", "ipsapi: bad configuration: Purge:MaxAttempts must be from 1 to 100.")]
    [InlineData("Purge__Workers", "four", "ipsapi: Purge:Workers must be a whole number, not 'four'.")]
    [InlineData("Purge__Lease", "1m", "ipsapi: Purge:Lease must be a duration such as 00:00:30 (hh:mm:ss), not '1m'.")]
    [InlineData("Purge__Varnish__Mode", "Bann", "ipsapi: Purge:Varnish:Mode must be one of Purge, Ban, not 'Bann'.")]
    [InlineData("Purge__Varnish__Mode", "2", "ipsapi: bad configuration: Purge:Varnish:Mode must be one of Purge, Ban.")]
    [InlineData("Soap__MaxRequestBodyBytes", "2MB", "ipsapi: Soap:MaxRequestBodyBytes must be a whole number, not '2MB'.")]
    [InlineData("Log__Format", "yaml", "ipsapi: bad configuration: Log:Format must be text or json, not 'yaml'.")]
    [InlineData("Kestrel__Limits__MaxRequestHeaderCount", "lots", "ipsapi: Kestrel:Limits:MaxRequestHeaderCount must be a whole number, not 'lots'.")]
    [InlineData("Soap__MaxElementDepth", "7", "ipsapi: bad configuration: Soap:MaxElementDepth must be from 8 to 256.")]
    [InlineData("Auth__Throttle__MaxFailuresPerUserName", "0", "ipsapi: bad configuration: Auth:Throttle:MaxFailuresPerUserName must be from 1 to 1000.")]
    [InlineData("Auth__Throttle__Window", "15m", "ipsapi: Auth:Throttle:Window must be a duration such as 00:00:30 (hh:mm:ss), not '15m'.")]
    [InlineData("Invalidation__DeliveryPrefixes__0", "is/image/", "ipsapi: bad configuration: Invalidation:DeliveryPrefixes:0 must be a path that starts and ends with '/', such as /is/image/, not 'is/image/'.")]
    [InlineData("Invalidation__DeliveryPrefixes__1", "/is/content", "ipsapi: bad configuration: Invalidation:DeliveryPrefixes:1 must be a path that starts and ends with '/', such as /is/image/, not '/is/content'.")]
    [InlineData("Purge__Varnish__Nodes__0", "notaurl", "ipsapi: bad configuration: Purge:Varnish:Nodes:0 must be an absolute http or https URL such as http://127.0.0.1:6081.")]
    [InlineData("Soap__PublicBaseUrl", "https://user:secret@ips.example.com", "ipsapi: bad configuration: Soap:PublicBaseUrl must be an absolute http or https URL without user information, query or fragment, such as https://ips.example.com or https://example.com/ips.")]
    [InlineData("Soap__PublicBaseUrl", "ips.example.com/ips", "ipsapi: bad configuration: Soap:PublicBaseUrl must be an absolute http or https URL without user information, query or fragment, such as https://ips.example.com or https://example.com/ips.")]
    [InlineData("ForwardedHeaders__KnownProxies__0", "10.0.0.300", "ipsapi: bad configuration: ForwardedHeaders:KnownProxies:0 must be an IP address such as 10.0.0.5 or ::1, not '10.0.0.300'.")]
    [InlineData("ForwardedHeaders__KnownNetworks__0", "10.0.0.0/33", "ipsapi: bad configuration: ForwardedHeaders:KnownNetworks:0 must be a network in CIDR notation such as 10.0.0.0/8 or fd00::/8, not '10.0.0.0/33'.")]
    [InlineData("ForwardedHeaders__KnownProxies", "10.0.0.5", "ipsapi: bad configuration: ForwardedHeaders:KnownProxies must be a list: ForwardedHeaders:KnownProxies:0, …:1 (environment ForwardedHeaders__KnownProxies__0).")]
    [InlineData("ForwardedHeaders__KnownNetworks", "10.0.0.0/8", "ipsapi: bad configuration: ForwardedHeaders:KnownNetworks must be a list: ForwardedHeaders:KnownNetworks:0, …:1 (environment ForwardedHeaders__KnownNetworks__0).")]
    [InlineData("ForwardedHeaders__ForwardLimit", "0", "ipsapi: bad configuration: ForwardedHeaders:ForwardLimit must be from 1 to 16.")]
    [InlineData("ForwardedHeaders__ForwardLimit", "two", "ipsapi: ForwardedHeaders:ForwardLimit must be a whole number, not 'two'.")]
    [InlineData("AllowedHosts", "https://ips.example.com", "ipsapi: bad configuration: AllowedHosts must be host names separated by ';' such as ips.example.com;localhost, without scheme, port or path (the filter ignores ports), not 'https://ips.example.com'.")]
    [InlineData("AllowedHosts", "ips.example.com;localhost:8080", "ipsapi: bad configuration: AllowedHosts must be host names separated by ';' such as ips.example.com;localhost, without scheme, port or path (the filter ignores ports), not 'localhost:8080'.")]
    [InlineData("AllowedHosts__0", "ips.example.com", "ipsapi: bad configuration: AllowedHosts must be one value, host names separated by ';' such as ips.example.com;localhost (environment AllowedHosts=…), not a list.")]
    public async Task Serve_WithABadSetting_StopsNamingTheKey(string variable, string value, string expected)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { [variable] = value });
        var (exitCode, output, error) = await cli.RunAsync(null, "serve", "--urls", $"http://127.0.0.1:{IpsApiProcess.FreePort()}");
        Assert.Equal(1, exitCode);
        Assert.Equal(expected, error.Trim());
        Assert.DoesNotContain("No users yet", output, StringComparison.Ordinal);
        AssertNothingCreated(cli);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("migrate")]
    [InlineData("company list")]
    [InlineData("company add --name X --root X --publish-host x.test")]
    [InlineData("user list")]
    [InlineData("user add --email a@b.test --role IpsAdmin --password-stdin")]
    [InlineData("user passwd --email a@b.test --password-stdin")]
    public async Task EveryCommand_WithASettingTheBinderCannotRead_StopsNamingTheKeyAndCreatesNothing(string arguments)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["Purge__Lease"] = "soon" });
        var (exitCode, output, error) = await cli.RunAsync("a-long-password\n", arguments.Split(' '));
        Assert.Equal(1, exitCode);
        Assert.Equal("ipsapi: Purge:Lease must be a duration such as 00:00:30 (hh:mm:ss), not 'soon'.", error.Trim());
        Assert.Equal("", output);
        AssertNothingCreated(cli);
    }

    [Fact]
    public async Task Serve_WithSeveralBadSettings_NamesThemAllInOneLine()
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["Log__Format"] = "yaml", ["Invalidation__BatchSize"] = "1001" });
        var (exitCode, _, error) = await cli.RunAsync(null, "serve", "--urls", $"http://127.0.0.1:{IpsApiProcess.FreePort()}");
        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ipsapi: bad configuration: ", line, StringComparison.Ordinal);
        Assert.Contains("Invalidation:BatchSize must be from 1 to 1000.", line, StringComparison.Ordinal);
        Assert.Contains("Log:Format must be text or json, not 'yaml'.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_ForACompanyRoutedToNoProvider_StopsNamingTheKeys()
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["Purge__Companies__Acme__Origin"] = "none" });
        var (exitCode, _, error) = await cli.RunAsync(null, "worker");
        Assert.Equal(1, exitCode);
        Assert.Equal(
            "ipsapi: Purge:Companies:Acme:Origin and Purge:Companies:Acme:Cdn leave company Acme with no purge provider: its requests would be Done with nothing purged. Name one (varnish, akamai, fastly, or log).",
            error.Trim());
    }

    [Theory]
    [InlineData("Smtp__Security=Tls", "ipsapi: Smtp:Security must be one of StartTls, SslOnConnect, None, not 'Tls'.")]
    [InlineData("Smtp__Host=smtp.example.com", "ipsapi: bad configuration: Smtp:From is required when Smtp:Host is set.")]
    [InlineData("Smtp__Port=smtp", "ipsapi: Smtp:Port must be a whole number, not 'smtp'.")]
    [InlineData("Smtp__Host=smtp.example.com;Smtp__From=ips@example.com;Smtp__Port=70000", "ipsapi: bad configuration: Smtp:Port must be from 1 to 65535.")]
    [InlineData("Smtp__Host=smtp.example.com;Smtp__From=IpsApi", "ipsapi: bad configuration: Smtp:From must be an email address, optionally with a display name such as IpsApi <ips@example.com>, not 'IpsApi'.")]
    [InlineData("Smtp__Host=smtp.example.com;Smtp__From=ips@example.com;Smtp__Security=3", "ipsapi: bad configuration: Smtp:Security must be one of StartTls, SslOnConnect, None.")]
    [InlineData("Smtp__Host=smtp.example.com;Smtp__From=ips@example.com;Smtp__UserName=ips;Smtp__Password=s3cret-Pa55;Smtp__Security=None",
        "ipsapi: bad configuration: Smtp:Security None would send Smtp:Password unencrypted to smtp.example.com; use StartTls or SslOnConnect (None with a user name is accepted only for a server on this host).")]
    public async Task ServeAndWorker_WithABadSmtpSetting_StopNamingTheKey(string settings, string expected)
    {
        var environment = settings.Split(';').Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
        foreach (var command in new[] { new[] { "serve", "--urls", $"http://127.0.0.1:{IpsApiProcess.FreePort()}" }, ["worker"] })
        {
            using var cli = new IpsApiProcess(environment);
            var (exitCode, output, error) = await cli.RunAsync(null, command);
            Assert.Equal((1, expected), (exitCode, error.Trim()));
            Assert.DoesNotContain("s3cret-Pa55", output + error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BadProvider_NamesTheKey()
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?> { ["Database__Provider"] = "Oracle" });
        var (exitCode, _, error) = await cli.RunAsync(null, "company", "list");
        Assert.Equal(1, exitCode);
        Assert.Equal("ipsapi: Database:Provider must be Sqlite or Postgres, not 'Oracle'.", error.Trim());
        AssertNothingCreated(cli);
    }

    [Fact]
    public async Task CompanyAndUser_OnTheEmbeddedDefault_AreCreatedAndListed()
    {
        using var cli = new IpsApiProcess();
        var company = await cli.RunAsync(null, "company", "add", "--name", "JJ Esquire", "--root", "JJEsquire", "--publish-host", "Images.Esquire.test", "--publish-host", "cdn.esquire.test:8443");
        var duplicate = await cli.RunAsync(null, "company", "add", "--name", "Again", "--root", "JJEsquire", "--publish-host", "x.test");
        var caseClash = await cli.RunAsync(null, "company", "add", "--name", "Lower", "--root", "jjESQUIRE", "--publish-host", "images.esquire.test");
        var user = await cli.RunAsync("a-long-password\n", "user", "add", "--email", "Admin@Esquire.test", "--role", "IpsCompanyAdmin", "--company", "c|1", "--password-stdin");
        var shortPassword = await cli.RunAsync("short\n", "user", "add", "--email", "b@esquire.test", "--role", "IpsAdmin", "--password-stdin");
        var webServiceUser = await cli.RunAsync("a-long-password\n", "user", "add", "--email", "ws@esquire.test", "--role", "WebServiceUser", "--password-stdin");
        var companies = await cli.RunAsync(null, "company", "list");
        var users = await cli.RunAsync(null, "user", "list");

        var store = $"ipsapi: store SQLite {cli.DefaultStore}";
        Assert.Equal(0, company.ExitCode);
        Assert.Equal("c|1", company.Out.TrimEnd().Split('\n')[^1]);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Equal(new[] { store, "ipsapi: a company with root 'JJEsquire' exists already (c|1)" }, Lines(duplicate.Err));
        Assert.Equal(1, caseClash.ExitCode);
        Assert.Equal(
            new[] { store, "ipsapi: root 'jjESQUIRE' clashes with company c|1's root 'JJEsquire': roots may not differ only in letter case, because URL paths match roots ignoring case" },
            Lines(caseClash.Err));
        Assert.Equal(0, user.ExitCode);
        Assert.Equal(new[] { store }, Lines(user.Err));
        Assert.Equal(0, webServiceUser.ExitCode);
        Assert.Equal(
            new[] { store, "warning: a WebServiceUser may not call the API (its calls get authorizationFault 20003); only IpsAdmin and IpsCompanyAdmin may." },
            Lines(webServiceUser.Err));
        Assert.Equal(1, shortPassword.ExitCode);
        Assert.Contains("c|1\tJJEsquire\tJJ Esquire\timages.esquire.test,cdn.esquire.test:8443", companies.Out, StringComparison.Ordinal);
        Assert.Equal(2, companies.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("admin@esquire.test\tIpsCompanyAdmin\tc|1", users.Out, StringComparison.Ordinal);
        Assert.Contains("ws@esquire.test\tWebServiceUser\t", users.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-password", users.Out + user.Out + user.Err, StringComparison.Ordinal);
        Assert.True(File.Exists(cli.DefaultStore));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task Postgres_ServeRefusesPendingMigrations_MigrateAppliesThemOnce()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            using var cli = new IpsApiProcess(new Dictionary<string, string?>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__IpsApi"] = connectionString,
            });
            var serve = await cli.RunAsync(null, "serve", "--urls", $"http://127.0.0.1:{IpsApiProcess.FreePort()}");
            var first = await cli.RunAsync(null, "migrate");
            var second = await cli.RunAsync(null, "migrate");

            // Named by host, port and database: never the user or the password.
            var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            var store = $"ipsapi: store PostgreSQL {target.Host}:{target.Port}/{target.Database}";
            Assert.Equal(1, serve.ExitCode);
            Assert.Equal(store, Lines(serve.Err)[0]);
            Assert.Contains("run 'ipsapi migrate' first", serve.Err, StringComparison.Ordinal);
            Assert.Equal(0, first.ExitCode);
            Assert.Equal(new[] { store }, Lines(first.Err));
            Assert.Contains("applied ", first.Out, StringComparison.Ordinal);
            Assert.Contains("_Initial", first.Out, StringComparison.Ordinal);
            Assert.Contains("schema is up to date", second.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", first.Out + second.Out, StringComparison.Ordinal);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>No store, no directory for one: neither under the processes' home nor where they ran.</summary>
    private static void AssertNothingCreated(IpsApiProcess cli)
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }
}
