using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IpsApi.Core.Hooks;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using IpsApi.Tests.Hooks;
using IpsApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Varnish;

/// <summary>
/// The whole path of automatic invalidation: a correctly signed asset-version hook purges every preset URL of the asset
/// from a real varnishd, leaves other assets cached, and the request is in the invalidation log as automatic.
/// </summary>
public sealed class AssetVersionHookVarnishTests : CachedOriginTest
{
    [Fact]
    public async Task SignedHook_PurgesTheAssetsPresetUrlsThroughVarnish_AndIsLoggedAsAutomatic()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{Varnish.Port}" });
        var acme = await HookCompany.AddAsync(stack.Server);
        var host = acme.Company.PublishHosts[0];
        var path = $"/is/image/{acme.Company.RootId}/";
        var purged = HookCompany.Presets.Select(p => path + "spinset" + p).ToList();
        var kept = HookCompany.Presets.Select(p => path + "shoe" + p).Append(path + "spinset?$other$").ToList();
        foreach (var url in purged.Concat(kept))
        {
            await GetAsync(host, url);
            await GetAsync(host, url);
            Assert.Equal(1, Origin.Fetches(host + url));
        }

        var body = acme.Body("spinset");
        using var response = await HookCompany.PostAsync(stack.Server, body, acme.Sign(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var handle = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("handle").GetString()!;
        var (done, _) = await stack.WaitForStatusAsync(handle, "Done");
        foreach (var url in purged.Concat(kept))
        {
            await GetAsync(host, url);
        }

        Assert.Equal("3", done.Value("successCount"));
        Assert.All(purged, url => Assert.True(Origin.Fetches(host + url) == 2, $"{url} was not purged"));
        Assert.All(kept, url => Assert.True(Origin.Fetches(host + url) == 1, $"{url} was purged too"));
        await using var scope = stack.Server.Services.CreateAsyncScope();
        var log = await scope.ServiceProvider.GetRequiredService<InvalidationLogReader>()
            .ListAsync(new InvalidationLogFilter(acme.Company.Id, Kind: InvalidationKinds.Automatic), default);
        var entry = Assert.Single(log);
        Assert.Equal((handle, InvalidationKinds.Automatic, AssetVersionHook.SubmitterName, 3, "Done"), (entry.Handle, entry.Kind, entry.SubmittedBy, entry.UrlCount, entry.Status));
    }

    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private async Task GetAsync(string host, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Http.BaseAddress + pathAndQuery[1..], AsWritten));
        request.Headers.Host = host;
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
