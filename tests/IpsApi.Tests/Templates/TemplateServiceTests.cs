using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Templates;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Templates;

/// <summary>
/// <see cref="TemplateService"/> and asset IDs in <see cref="InvalidationService"/> on a real PostgreSQL: who may read
/// and change a template, the 1,000 cap and the URL rules applied to the expanded list (naming line and asset), and
/// requests mixing URLs and assets.
/// </summary>
public sealed class TemplateServiceTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private static readonly Caller Admin = Core.Users.Caller.Operator("test");

    [Fact]
    public async Task SetThenGet_KeepsTheTextWithLfEndings_EmptyTextRemovesIt()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await WithAsync((templates, _) => templates.SetAsync(Admin, company.Handle, "<ID>\r\nhttps://x/<ID>?$thumb$\r\n", default));
        Assert.Equal("<ID>\nhttps://x/<ID>?$thumb$\n", await WithAsync((templates, _) => templates.GetAsync(Admin, company.Handle, default)));

        await WithAsync((templates, _) => templates.SetAsync(Admin, company.Handle, " \n", default));
        Assert.Null(await WithAsync((templates, _) => templates.GetAsync(Admin, company.Handle, default)));
    }

    [Fact]
    public async Task CompanyAdmin_EditsItsOwnCompanysTemplate_AForeignOneIsUnknown_OtherRolesAreRefused()
    {
        var own = await fixture.Server.AddCompanyAsync();
        var foreign = await fixture.Server.AddCompanyAsync();
        var companyAdmin = CallerOf(Role.IpsCompanyAdmin, own);
        await WithAsync((templates, _) => templates.SetAsync(companyAdmin, own.Handle, "<ID>", default));
        Assert.Equal("<ID>", await WithAsync((templates, _) => templates.GetAsync(companyAdmin, own.Handle, default)));

        var foreignFault = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((templates, _) => templates.SetAsync(companyAdmin, foreign.Handle, "<ID>", default)));
        Assert.Equal(FaultCodes.InvalidCompany, foreignFault.Fault.Code);
        var unknownFault = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((templates, _) => templates.GetAsync(companyAdmin, "c|999999", default)));
        Assert.Equal(FaultCodes.InvalidCompany, unknownFault.Fault.Code);

        // Roles other than the two administrators see no company at all: the same 20000 as unknown.
        var plain = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((templates, _) => templates.SetAsync(CallerOf(Role.IpsUser, own), own.Handle, "<ID>", default)));
        Assert.Equal(FaultCodes.InvalidCompany, plain.Fault.Code);
        Assert.Equal("<ID>", await WithAsync((templates, _) => templates.GetAsync(Admin, own.Handle, default)));
    }

    [Fact]
    public async Task Expand_1000Urls_Pass_1001_AreRefusedNamingTheLineAndAssetOfTheFirstTooMany()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var host = company.PublishHosts[0];
        var template = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"https://{host}/is/image/{company.RootId}/<ID>?$p{i}$"));
        await WithAsync((templates, _) => templates.SetAsync(Admin, company.Handle, template, default));
        var assets = Enumerable.Range(1, 100).Select(i => $"asset{i}").ToList();

        var expanded = await WithAsync((templates, _) => templates.ExpandAsync(Admin, company.Handle, assets, default));
        var refused = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((templates, _) => templates.ExpandAsync(Admin, company.Handle, [.. assets, "asset101"], default)));

        Assert.Equal(1000, expanded.Count);
        Assert.Equal($"https://{host}/is/image/{company.RootId}/asset1?$p1$", expanded[0]);
        Assert.Equal($"https://{host}/is/image/{company.RootId}/asset100?$p10$", expanded[^1]);
        Assert.Equal(FaultCodes.InvalidParameter, refused.Fault.Code);
        Assert.Equal("More than 1000 URLs: URL 1001 (template line 1, asset 'asset101') is one too many; at most 1000 may be invalidated in one request.", refused.Fault.Reason);
    }

    [Fact]
    public async Task Expand_AUrlTheRulesRefuse_NamesTheTemplateLineAndAsset_AndNothingIsStored()
    {
        var company = await fixture.Server.AddCompanyAsync();
        await WithAsync((templates, _) => templates.SetAsync(Admin, company.Handle, $"<ID>\n\nhttps://elsewhere.test/is/image/{company.RootId}/<ID>?$thumb$", default));

        var refused = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((_, invalidations) =>
            invalidations.AcceptAsync(Admin, new InvalidationCommand(company.Handle, [], AssetIds: ["shoe"]), default)));

        Assert.Equal(FaultCodes.InvalidParameter, refused.Fault.Code);
        Assert.StartsWith("Some URLs are not defined correctly. Correct and resubmit. 1 of 2 URLs refused", refused.Fault.Reason, StringComparison.Ordinal);
        Assert.Contains($"URL 2 'https://elsewhere.test/is/image/{company.RootId}/shoe?$thumb$' (template line 3, asset 'shoe'): host 'elsewhere.test' is not a publish host", refused.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task Assets_WithoutATemplate_AreRefusedInTheAemWording()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var refused = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((templates, _) => templates.ExpandAsync(Admin, company.Handle, ["shoe"], default)));
        Assert.Equal(FaultCodes.MissingParameter, refused.Fault.Code);
        Assert.Equal($"Failed to retrieve URLs for selected assets. Company {company.Handle} has no CDN invalidation template: set one, or list the URLs.", refused.Fault.Reason);

        var none = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((_, invalidations) =>
            invalidations.DryRunAsync(Admin, new InvalidationCommand(company.Handle, [], AssetIds: []), default)));
        Assert.Equal("No URLs entered to be invalidated.", none.Fault.Reason);
    }

    [Fact]
    public async Task Accept_UrlsThenTemplateUrls_EachOnce_StoredWithTheKindAsked()
    {
        var company = await fixture.Server.AddCompanyAsync();
        var image = $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/";
        await WithAsync((templates, _) => templates.SetAsync(Admin, company.Handle, $"<ID>\n{image}<ID>?$thumb$", default));

        var dryRun = await WithAsync((_, invalidations) =>
            invalidations.DryRunAsync(Admin, new InvalidationCommand(company.Handle, [image + "b?$thumb$", image + "logo"], AssetIds: ["a", "b"]), default));
        var accepted = await WithAsync((_, invalidations) =>
            invalidations.AcceptAsync(Admin, new InvalidationCommand(company.Handle, [image + "logo"], AssetIds: ["a"], Kind: InvalidationKinds.Automatic), default));
        var manual = await Assert.ThrowsAsync<IpsFaultException>(() => WithAsync((_, invalidations) =>
            invalidations.AcceptAsync(Admin, new InvalidationCommand(company.Handle, [image + "logo"], Kind: "sometimes"), default)));

        Assert.Equal([image + "b?$thumb$", image + "logo", image + "a", image + "a?$thumb$", image + "b"], dryRun);
        Assert.Equal(3, accepted.UrlCount);
        var stored = await fixture.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync(r => r.CompanyId == company.Id));
        Assert.Equal(InvalidationKinds.Automatic, stored.Kind);
        Assert.Equal("The kind of an invalidation is manual or automatic.", manual.Fault.Reason);
    }

    private static Caller CallerOf(Role role, Company company) =>
        new(new AuthenticatedUser(1_000_000 + company.Id, $"{role}@example.test", role, new HashSet<int> { company.Id }), null, null, null);

    private async Task<T> WithAsync<T>(Func<TemplateService, InvalidationService, Task<T>> work)
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TemplateService>(), scope.ServiceProvider.GetRequiredService<InvalidationService>());
    }

    private async Task WithAsync(Func<TemplateService, InvalidationService, Task> work) =>
        await WithAsync(async (t, i) =>
        {
            await work(t, i);
            return 0;
        });
}
