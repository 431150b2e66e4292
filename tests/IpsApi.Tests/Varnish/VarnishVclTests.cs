using System.Net;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Varnish;

/// <summary>deploy/varnish/default.vcl on a real varnishd: PURGE removes exactly one object, BAN every match, both only from the ACL.</summary>
public sealed class VarnishVclTests : CachedOriginTest
{
    private const string Host = "images.vcl.test";
    [Fact]
    public async Task Get_IsCached()
    {
        await GetAsync("/is/image/Root/cached");
        await GetAsync("/is/image/Root/cached");
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/cached"));
    }

    [Fact]
    public async Task Purge_RemovesThatObjectOnly_NotOtherPathsOrQueryVariants()
    {
        foreach (var path in new[] { "/is/image/Root/shoe", "/is/image/Root/shoe?$thumb$", "/is/image/Root/hat" })
        {
            await GetAsync(path);
        }

        var purge = await SendAsync(new HttpMethod("PURGE"), "/is/image/Root/shoe");
        foreach (var path in new[] { "/is/image/Root/shoe", "/is/image/Root/shoe?$thumb$", "/is/image/Root/hat" })
        {
            await GetAsync(path);
        }

        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(2, Origin.Fetches(Host + "/is/image/Root/shoe"));
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/shoe?$thumb$"));
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/hat"));
    }

    [Fact]
    public async Task Purge_WithAnotherHost_LeavesTheObject()
    {
        await GetAsync("/is/image/Root/hosted");
        var purge = await SendAsync(new HttpMethod("PURGE"), "/is/image/Root/hosted", host: "other.vcl.test");
        await GetAsync("/is/image/Root/hosted");

        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/hosted"));
    }

    [Fact]
    public async Task Ban_RemovesEveryQueryVariantOfAPath()
    {
        foreach (var path in new[] { "/is/image/Root/bag", "/is/image/Root/bag?$thumb$", "/is/image/Root/bags" })
        {
            await GetAsync(path);
        }

        var ban = await SendAsync(new HttpMethod("BAN"), "/", banUrl: @"^/is/image/Root/bag(\?|$)");
        foreach (var path in new[] { "/is/image/Root/bag", "/is/image/Root/bag?$thumb$", "/is/image/Root/bags" })
        {
            await GetAsync(path);
        }

        Assert.Equal(HttpStatusCode.OK, ban.StatusCode);
        Assert.Equal(2, Origin.Fetches(Host + "/is/image/Root/bag"));
        Assert.Equal(2, Origin.Fetches(Host + "/is/image/Root/bag?$thumb$"));
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/bags"));
    }

    [Fact]
    public async Task Ban_WithoutExpression_Is400()
    {
        var ban = await SendAsync(new HttpMethod("BAN"), "/");
        Assert.Equal(HttpStatusCode.BadRequest, ban.StatusCode);
    }

    [Fact]
    public async Task PurgeAndBan_FromOutsideTheAcl_Are403AndPurgeNothing()
    {
        await using var strict = await VarnishInstance.StartAsync(Origin.Port, purgerAcl: "192.0.2.1");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{strict.Port}") };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/is/image/Root/guarded") { Headers = { Host = Host } };
        await client.SendAsync(get);

        using var purge = new HttpRequestMessage(new HttpMethod("PURGE"), "/is/image/Root/guarded") { Headers = { Host = Host } };
        using var ban = new HttpRequestMessage(new HttpMethod("BAN"), "/") { Headers = { Host = Host } };
        ban.Headers.Add("X-Ban-Url", "^/");
        var purged = await client.SendAsync(purge);
        var banned = await client.SendAsync(ban);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/is/image/Root/guarded") { Headers = { Host = Host } };
        await client.SendAsync(again);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (purged.StatusCode, banned.StatusCode));
        Assert.Equal(1, Origin.Fetches(Host + "/is/image/Root/guarded"));
    }

    private async Task GetAsync(string pathAndQuery)
    {
        var response = await SendAsync(HttpMethod.Get, pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-url"), "x-url must not leak to clients");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string host = Host, string? banUrl = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Host = host;
        if (banUrl is not null)
        {
            request.Headers.Add("X-Ban-Url", banUrl);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
