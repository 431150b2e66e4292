using IpsApi.Core.Companies;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Varnish;

/// <summary>
/// A company with <see cref="Company.AllVariants"/> on: purging a URL without a query string clears every query
/// variant of its path on a real varnishd, and nothing else; with it off, or for a URL with a query string, only
/// the exact object goes.
/// </summary>
public sealed class AllVariantsTests : CachedOriginTest
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PurgeOfAPath_ClearsItsQueryVariantsOnlyWhenTheCompanyAsks_NeverLookAlikesOrOtherCompanies(bool allVariants)
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{Varnish.Port}" });
        var acme = await CompanyAsync(stack, "Acme", allVariants);
        await CompanyAsync(stack, "Other", allVariants);
        const string shoe = "/is/image/Acme/shoe";
        (string Host, string Path)[] variants = [("acme.images.test", shoe), ("acme.images.test", shoe + "?$PLP$"), ("acme.images.test", shoe + "?wid=300")];
        (string Host, string Path)[] lookAlikes =
        [
            ("acme.images.test", "/is/image/Acme/shoe2"),
            ("acme.images.test", "/is/image/Acme/shoes?x"),
            ("acme.images.test", "/is/image/Acme/shoe/side"),
            ("other.images.test", shoe),
            ("other.images.test", shoe + "?$PLP$"),
            ("other.images.test", "/is/image/Other/shoe?$PLP$"),
        ];
        foreach (var (host, path) in variants.Concat(lookAlikes))
        {
            await Http.GetAsBrowserAsync(host, path);
            await Http.GetAsBrowserAsync(host, path);
            Assert.Equal(1, Origin.Fetches(host + path));
        }

        await AcceptAndWaitAsync(stack, acme, $"https://acme.images.test{shoe}");
        foreach (var (host, path) in variants.Concat(lookAlikes))
        {
            await Http.GetAsBrowserAsync(host, path);
        }

        Assert.Equal(2, Origin.Fetches("acme.images.test" + shoe));
        Assert.All(variants.Skip(1), v => Assert.True(Origin.Fetches(v.Host + v.Path) == (allVariants ? 2 : 1), $"{v.Path}: fetched {Origin.Fetches(v.Host + v.Path)} times"));
        Assert.All(lookAlikes, v => Assert.True(Origin.Fetches(v.Host + v.Path) == 1, $"{v.Host}{v.Path} was evicted too"));
    }

    [Fact]
    public async Task AllVariantsOn_UrlWithAQueryString_ClearsExactlyThatVariant()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Varnish:Nodes:0"] = $"http://127.0.0.1:{Varnish.Port}" });
        var acme = await CompanyAsync(stack, "Acme", allVariants: true);
        string[] paths = ["/is/image/Acme/shoe", "/is/image/Acme/shoe?$PLP$", "/is/image/Acme/shoe?wid=300"];
        foreach (var path in paths)
        {
            await Http.GetAsBrowserAsync("acme.images.test", path);
        }

        await AcceptAndWaitAsync(stack, acme, "https://acme.images.test/is/image/Acme/shoe?$PLP$");
        foreach (var path in paths)
        {
            await Http.GetAsBrowserAsync("acme.images.test", path);
        }

        Assert.Equal([1, 2, 1], paths.Select(p => Origin.Fetches("acme.images.test" + p)));
    }

    private static async Task<Company> CompanyAsync(PurgeStack stack, string root, bool allVariants)
    {
        var company = await stack.Server.AddCompanyAsync(root);
        await stack.Server.WithDbAsync(async db =>
        {
            var row = await db.Companies.SingleAsync(c => c.Id == company.Id);
            row.AllVariants = allVariants;
            return await db.SaveChangesAsync();
        });
        return company;
    }

    private static async Task AcceptAndWaitAsync(PurgeStack stack, Company company, string url)
    {
        var reply = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), company.Handle, [url]));
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var (done, _) = await stack.WaitForStatusAsync(reply.Handle, "Done");
        Assert.Equal("1", done.Value("successCount"));
    }
}
