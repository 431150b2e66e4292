using IpsApi.Tests.Support;

namespace IpsApi.Tests.Varnish;

/// <summary>
/// From a SOAP call to a real varnishd: the object is gone from the cache once the status says
/// Done, and only that object.
/// </summary>
public sealed class VarnishPurgeTests : CachedOriginTest
{
    [Fact]
    public async Task Invalidate_CachedObject_IsFetchedAgainAfterDone_OtherUrlAndQueryVariantStayCached()
    {
        await using var stack = await PurgeStack.StartAsync(Nodes(Varnish.Port));
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);
        string[] paths = [$"/is/image/{root}/shoe", $"/is/image/{root}/shoe?$thumb$", $"/is/image/{root}/hat"];
        foreach (var path in paths.Concat(paths))
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.All(paths, path => Assert.Equal(1, Origin.Fetches(host + path)));

        var handle = (await stack.AcceptAsync($"https://{host}{paths[0]}")).Handle;
        var (done, seen) = await stack.WaitForStatusAsync(handle, "Done");
        foreach (var path in paths)
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.Equal("1", done.Value("successCount"));
        Assert.DoesNotContain("ERROR", seen);
        Assert.Equal(2, Origin.Fetches(host + paths[0]));
        Assert.Equal(1, Origin.Fetches(host + paths[1]));
        Assert.Equal(1, Origin.Fetches(host + paths[2]));
    }

    [Theory]
    [InlineData("Purge")]
    [InlineData("Ban")]
    public async Task UrlWithEscapesUpperCaseHostOrDefaultPort_IsDoneOnlyOnceTheObjectABrowserRequestsIsEvicted(string mode)
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Nodes(Varnish.Port)) { ["Purge:Varnish:Mode"] = mode });
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);

        // (URL as a client submits it, the path a browser requests for it, a look-alike object that must stay
        // cached; in Ban mode every query variant of the path goes, so the query form's look-alike is another path)
        (string Url, string Path, string Sibling)[] forms =
        [
            ($"https://{host}/is/image/{root}/a%41", $"/is/image/{root}/a%41", $"/is/image/{root}/aA"),
            ($"https://{host}/is/image/{root}/t%7e", $"/is/image/{root}/t%7e", $"/is/image/{root}/t~"),
            ($"https://{host}/is/image/{root}/q?x=%41%2f", $"/is/image/{root}/q?x=%41%2f", mode == "Ban" ? $"/is/image/{root}/qA?x=A/" : $"/is/image/{root}/q?x=A/"),
            ($"https://{host}:443/is/image/{root}/port", $"/is/image/{root}/port", $"/is/image/{root}/port2"),
            ($"HTTPS://{host.ToUpperInvariant()}/is/image/{root}/upper", $"/is/image/{root}/upper", $"/is/image/{root}/upper2"),
        ];
        foreach (var (_, path, sibling) in forms)
        {
            await Http.GetAsBrowserAsync(host, path);
            await Http.GetAsBrowserAsync(host, sibling);
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.All(forms, f => Assert.Equal(1, Origin.Fetches(host + f.Path)));

        var handle = (await stack.AcceptAsync([.. forms.Select(f => f.Url)])).Handle;
        var (done, _) = await stack.WaitForStatusAsync(handle, "Done");
        foreach (var (_, path, sibling) in forms)
        {
            await Http.GetAsBrowserAsync(host, path);
            await Http.GetAsBrowserAsync(host, sibling);
        }

        Assert.Equal(forms.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), done.Value("successCount"));
        Assert.All(forms, f => Assert.True(Origin.Fetches(host + f.Path) == 2, $"{f.Url}: the object a browser requests as {f.Path} was not evicted"));
        Assert.All(forms, f => Assert.True(Origin.Fetches(host + f.Sibling) == 1, $"{f.Url}: {f.Sibling} was evicted too"));
    }

    [Fact]
    public async Task BanMode_PurgesEveryQueryVariantOfThePath_NotItsPrefixSibling()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Nodes(Varnish.Port)) { ["Purge:Varnish:Mode"] = "Ban" });
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);
        string[] variants = [$"/is/image/{root}/boot", $"/is/image/{root}/boot?$thumb$", $"/is/image/{root}/boot?wid=200"];
        var sibling = $"/is/image/{root}/boots";
        foreach (var path in variants.Append(sibling))
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        var handle = (await stack.AcceptAsync($"https://{host}{variants[1]}")).Handle;
        await stack.WaitForStatusAsync(handle, "Done");
        foreach (var path in variants.Append(sibling))
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.All(variants, path => Assert.Equal(2, Origin.Fetches(host + path)));
        Assert.Equal(1, Origin.Fetches(host + sibling));
    }

    [Fact]
    public async Task NodeWhoseVclDoesNotHandlePurge_FailsTheBatch_InsteadOfClaimingDone()
    {
        // The origin answers any method with 200 OK, as a backend does when Varnish pipes an unhandled PURGE to it.
        await using var stack = await PurgeStack.StartAsync(Nodes(Origin.Port));
        var url = stack.Url("piped");
        var handle = (await stack.AcceptAsync(url)).Handle;

        var (failed, seen) = await stack.WaitForStatusAsync(handle, "ERROR");

        Assert.DoesNotContain("Done", seen);
        Assert.Contains($"<code>200</code><reason>varnish: {url}: 127.0.0.1:{Origin.Port} answered 200 OK instead of Purged: its VCL does not handle PURGE", failed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeUnreachableForAWhile_IsRetried_DoneOnlyOnceItIsBack()
    {
        var port = Varnish.Port;
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>(Nodes(port))
        {
            ["Purge:MaxAttempts"] = "100",
            ["Purge:RetryMaxDelay"] = "00:00:00.300",
        });
        var (host, root) = (stack.Company.PublishHosts[0], stack.Company.RootId);
        var path = $"/is/image/{root}/outage";
        await Varnish.DisposeAsync();

        var handle = (await stack.AcceptAsync($"https://{host}{path}")).Handle;
        var (retrying, _) = await stack.WaitForAsync(handle, r => r.Value("warningCount") == "1");
        Assert.Equal("FlushingOrigin", retrying.Value("status"));
        Assert.Contains($"varnish: https://{host}{path}: 127.0.0.1:{port} unreachable", retrying.Body, StringComparison.Ordinal);
        var seenWhileDown = new List<string>();
        for (var poll = 0; poll < 10; poll++)
        {
            seenWhileDown.Add((await stack.StatusAsync(handle)).Value("status"));
            await Task.Delay(150);
        }

        Varnish = await VarnishInstance.StartAsync(Origin.Port, port: port);
        var (done, _) = await stack.WaitForStatusAsync(handle, "Done");

        Assert.All(seenWhileDown, status => Assert.Equal("FlushingOrigin", status));
        Assert.Equal(("1", "0", "0"), (done.Value("successCount"), done.Value("warningCount"), done.Value("errorCount")));
    }


    private static Dictionary<string, string?> Nodes(int port) => new() { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{port}" };
}
