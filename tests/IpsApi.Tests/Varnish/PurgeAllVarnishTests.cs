using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge.Varnish;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Varnish;

/// <summary>
/// A purge of a company's whole cache through a real varnishd: every object of the company goes, on each
/// of its publish hosts, in every delivery prefix and letter case the URL rules accept as the company's;
/// the objects of companies beside it on a shared host stay cached.
/// </summary>
public sealed class PurgeAllVarnishTests : IAsyncLifetime
{
    private const string SharedHost = "shared.images.test";
    private CountingOrigin origin = null!;
    private VarnishInstance varnish = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        origin = await CountingOrigin.StartAsync();
        varnish = await VarnishInstance.StartAsync(origin.Port);
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{varnish.Port}") };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await varnish.DisposeAsync();
        await origin.DisposeAsync();
    }

    [Fact]
    public async Task PurgeAll_OnASharedHost_ClearsEveryObjectOfTheCompany_AndNoneOfItsNeighbours()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>
        {
            ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{varnish.Port}",
        });
        var unique = Guid.NewGuid().ToString("N")[..8];
        var purged = await stack.Server.AddCompanyAsync($"Pa{unique}.x", SharedHost, $"pa{unique}.images.test");

        // Neighbours whose roots a careless expression would also match: the '.' read as any character,
        // the root as a prefix of a longer one.
        var dotted = await stack.Server.AddCompanyAsync($"Pa{unique}Xx", SharedHost);
        var longer = await stack.Server.AddCompanyAsync($"Pa{unique}.x2", SharedHost);
        var ownHost = purged.PublishHosts[1];
        var root = purged.RootId;
        (string Host, string Path)[] gone =
        [
            (SharedHost, $"/is/image/{root}/shoe"),
            (SharedHost, $"/is/image/{root}/shoe?$thumb$"),
            (SharedHost, $"/is/image/{root}/shoe?wid=300&hei=300"),
            (SharedHost, $"/is/content/{root}/catalog.pdf"),
            (SharedHost, $"/is/IMAGE/{root.ToLowerInvariant()}/hat"),
            (SharedHost, $"/is/image/{root}/deep/folder/boot?req=userdata"),
            (ownHost, $"/is/image/{root}/shoe"),
        ];
        (string Host, string Path)[] kept =
        [
            (SharedHost, $"/is/image/{dotted.RootId}/shoe"),
            (SharedHost, $"/is/image/{dotted.RootId}/shoe?$thumb$"),
            (SharedHost, $"/is/image/{longer.RootId}/shoe"),
            (SharedHost, $"/is/content/{longer.RootId}/catalog.pdf"),
            (SharedHost, $"/other/{root}/shoe"),
            (stack.Company.PublishHosts[0], $"/is/image/{root}/shoe"),
        ];
        foreach (var (host, path) in gone.Concat(kept).Concat(gone).Concat(kept))
        {
            await http.GetAsBrowserAsync(host, path);
        }

        Assert.All(gone.Concat(kept), o => Assert.Equal(1, origin.Fetches(o.Host + o.Path)));

        var accepted = await PurgeAllAsync(stack, purged);
        var (done, seen) = await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");
        foreach (var (host, path) in gone.Concat(kept))
        {
            await http.GetAsBrowserAsync(host, path);
        }

        Assert.DoesNotContain("ERROR", seen);
        Assert.Equal(("0", "0"), (done.Value("successCount"), done.Value("errorCount")));
        Assert.All(gone, o => Assert.True(origin.Fetches(o.Host + o.Path) == 2, $"{o.Host}{o.Path} stayed cached"));
        Assert.All(kept, o => Assert.True(origin.Fetches(o.Host + o.Path) == 1, $"{o.Host}{o.Path} was evicted too"));
    }

    [Fact]
    public void WholeCacheBanExpression_MatchesEveryPrefixIgnoringCase_WithTheRootEscaped()
    {
        Assert.Equal(
            @"(?i)^(?:/is/image/|/is/content/)Acme\.eu/",
            VarnishPurgeProvider.WholeCacheBanExpression("Acme.eu", ["/is/image/", "/is/content/"]));
    }

    private static async Task<InvalidationAccepted> PurgeAllAsync(PurgeStack stack, Company company)
    {
        await using var scope = stack.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InvalidationService>()
            .PurgeAllAsync(new Caller(new AuthenticatedUser(stack.Admin.Id, stack.Admin.Email, Role.IpsAdmin, new HashSet<int>()), "test", null, null), company.Handle, CancellationToken.None);
    }
}
