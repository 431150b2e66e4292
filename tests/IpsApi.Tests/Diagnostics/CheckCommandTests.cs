using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Diagnostics;

/// <summary>
/// <c>ipsapi check</c> against real things: a real varnishd with the shipped VCL and with one that pipes PURGE to the
/// backend, the Akamai and Fastly fakes (which check credentials as the real APIs do), and a real SMTP server up and down.
/// </summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Check_WithTheShippedVcl_SaysEachNodePurged_AndExitsZero()
    {
        await using var origin = await CountingOrigin.StartAsync();
        await using var varnish = await VarnishInstance.StartAsync(origin.Port);
        using var cli = await MigratedCliAsync(new() { ["Purge__Varnish__Nodes__0"] = $"http://127.0.0.1:{varnish.Port}" });

        var (exitCode, output, error) = await cli.RunAsync(null, "check");

        Assert.True(exitCode == 0, output + error);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("ok   store SQLite ", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^ok   varnish http://127\.0\.0\.1:{varnish.Port}  PURGE answered 200 Purged in \d+ ms$", lines[1]);
        Assert.Equal("not configured: akamai, fastly, smtp", lines[2]);
    }

    [Fact]
    public async Task Check_WithAVclThatPipesPurge_FailsNamingTheNode_AndExitsOne()
    {
        await using var origin = await CountingOrigin.StartAsync();
        await using var good = await VarnishInstance.StartAsync(origin.Port);
        await using var piping = await VarnishInstance.StartAsync(origin.Port, editVcl: vcl => ReplaceOnce(vcl, "return (purge);", "return (pipe);"));
        using var cli = await MigratedCliAsync(new()
        {
            ["Purge__Varnish__Nodes__0"] = $"http://127.0.0.1:{good.Port}",
            ["Purge__Varnish__Nodes__1"] = $"http://127.0.0.1:{piping.Port}",
        });

        var (exitCode, output, _) = await cli.RunAsync(null, "check");

        Assert.Equal(1, exitCode);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith($"ok   varnish http://127.0.0.1:{good.Port}  PURGE answered 200 Purged", lines[1], StringComparison.Ordinal);
        Assert.Equal(
            $"FAIL varnish http://127.0.0.1:{piping.Port}  PURGE answered 200 OK without an X-Varnish header: the backend answered, "
            + "so the VCL pipes PURGE instead of handling it and nothing is purged (see deploy/varnish/default.vcl)",
            lines[2]);
    }

    [Fact]
    public async Task Check_WithAVclThatPassesPurge_FailsNamingTheNode()
    {
        await using var origin = await CountingOrigin.StartAsync();
        await using var passing = await VarnishInstance.StartAsync(origin.Port, editVcl: vcl => ReplaceOnce(vcl, "return (purge);", "return (pass);"));
        using var cli = await MigratedCliAsync(new() { ["Purge__Varnish__Nodes__0"] = $"http://127.0.0.1:{passing.Port}" });

        var (exitCode, output, _) = await cli.RunAsync(null, "check");

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"FAIL varnish http://127.0.0.1:{passing.Port}  PURGE answered 200 OK: the VCL passes PURGE to the backend or answers it otherwise, instead of 200 Purged",
            output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AkamaiRightCredentialsPass_AWrongSecretFails_WithoutPrintingIt()
    {
        await using var akamai = await AkamaiFake.StartAsync();
        var wrongSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var right = await MigratedCliAsync(Akamai(akamai, akamai.Credentials.ClientSecret));
        using var wrong = await MigratedCliAsync(Akamai(akamai, wrongSecret));

        var passed = await right.RunAsync(null, "check");
        var failed = await wrong.RunAsync(null, "check");

        Assert.Equal(0, passed.ExitCode);
        Assert.Matches(@"ok   akamai http://127\.0\.0\.1:\d+  credentials accepted: rate-limit status answered 200 in \d+ ms", passed.Out);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains(
            "  credentials refused: 401 (The signature does not match); check Purge:Akamai:ClientToken, AccessToken and ClientSecret",
            failed.Out,
            StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, failed.Out + failed.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(akamai.Credentials.ClientSecret, passed.Out + passed.Err, StringComparison.Ordinal);
        Assert.Equal(2, akamai.RateLimitStatusCalls);
        Assert.Empty(akamai.Purges);
    }

    [Fact]
    public async Task Check_FastlyBadToken_Fails_RightTokenPasses()
    {
        await using var fastly = await FastlyFake.StartAsync();
        using var right = await MigratedCliAsync(new() { ["Purge__Fastly__ApiToken"] = fastly.ApiKey, ["Purge__Fastly__BaseUri"] = fastly.BaseUri.ToString() });
        using var wrong = await MigratedCliAsync(new() { ["Purge__Fastly__ApiToken"] = "not-the-token", ["Purge__Fastly__BaseUri"] = fastly.BaseUri.ToString() });

        var passed = await right.RunAsync(null, "check");
        var failed = await wrong.RunAsync(null, "check");

        Assert.Equal(0, passed.ExitCode);
        Assert.Matches(@"ok   fastly http://127\.0\.0\.1:\d+  token accepted: GET /tokens/self answered 200 in \d+ ms", passed.Out);
        Assert.Equal(1, failed.ExitCode);
        Assert.Matches(@"FAIL fastly http://127\.0\.0\.1:\d+  token refused: GET /tokens/self answered 401; check Purge:Fastly:ApiToken", failed.Out);
        Assert.DoesNotContain("not-the-token", failed.Out + failed.Err, StringComparison.Ordinal);
        Assert.Empty(fastly.Purges);
    }

    [Fact]
    public async Task Check_Smtp_UpPassesWithoutSendingMail_DownFails()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var closedPort = IpsApiProcess.FreePort();
        using var up = await MigratedCliAsync(Smtp(smtp.Port));
        using var down = await MigratedCliAsync(Smtp(closedPort));

        var passed = await up.RunAsync(null, "check");
        var failed = await down.RunAsync(null, "check");

        Assert.True(passed.ExitCode == 0, passed.Out + passed.Err);
        Assert.Matches($@"ok   smtp 127\.0\.0\.1:{smtp.Port}  accepted a connection \(None\) in \d+ ms; no mail sent", passed.Out);
        Assert.Empty(smtp.Messages());
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"FAIL smtp 127.0.0.1:{closedPort}  ", failed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutAStore_FailsTheStore_AndJsonSaysSo()
    {
        using var cli = new IpsApiProcess();

        var (exitCode, output, _) = await cli.RunAsync(null, "check", "--json");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var store = Assert.Single(json.RootElement.GetProperty("checks").EnumerateArray());
        Assert.Equal("store", store.GetProperty("check").GetString());
        Assert.False(store.GetProperty("ok").GetBoolean());
        Assert.StartsWith("no store at ", store.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(cli.DefaultStore));
    }

    private static async Task<IpsApiProcess> MigratedCliAsync(Dictionary<string, string?> environment)
    {
        var cli = new IpsApiProcess(environment);
        var migrated = await cli.RunAsync(null, "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.Err);
        return cli;
    }

    private static Dictionary<string, string?> Akamai(AkamaiFake akamai, string secret) => new()
    {
        ["Purge__Akamai__Host"] = "akab-test.purge.akamaiapis.net",
        ["Purge__Akamai__BaseUri"] = akamai.BaseUri.ToString(),
        ["Purge__Akamai__ClientToken"] = akamai.Credentials.ClientToken,
        ["Purge__Akamai__AccessToken"] = akamai.Credentials.AccessToken,
        ["Purge__Akamai__ClientSecret"] = secret,
    };

    private static Dictionary<string, string?> Smtp(int port) => new()
    {
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Smtp__Security"] = "None",
        ["Smtp__From"] = "IpsApi <ips@example.com>",
        ["Smtp__Timeout"] = "00:00:05",
    };

    private static string ReplaceOnce(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the VCL has no '{old}'");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
    }
}
