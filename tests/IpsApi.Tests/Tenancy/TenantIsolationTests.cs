using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Tenancy;

/// <summary>
/// A URL belongs to exactly one company: roots are unique ignoring letter case (URL paths match them
/// ignoring case), and a company's admin gets the same refusal for another company's root, in any
/// case, on a shared publish host, as for a foreign host. Nothing is stored for a refused request.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const string SharedHost = "shared.images.test";
    private string database = null!;
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        database = await TestPostgres.CreateDatabaseAsync();
        server = await TestServer.StartOnPostgresAsync(database);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(database);
    }

    [Theory]
    [InlineData("Blue")]
    [InlineData("BLUE")]
    [InlineData("blue")]
    public async Task CompanyAdmin_OtherCompanysRootOnASharedHost_InAnyCase_GetsTheForeignUrlFault_AndNothingIsStored(string rootAsWritten)
    {
        var red = await server.AddCompanyAsync("Red" + Suffix(), SharedHost);
        var blue = await server.AddCompanyAsync("Blue" + Suffix(), SharedHost);
        var redAdmin = await server.AddUserAsync(Role.IpsCompanyAdmin, red);
        var blueRoot = rootAsWritten + blue.RootId["Blue".Length..];

        var otherRoot = await server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(redAdmin), red.Handle, [$"https://{SharedHost}/is/image/{blueRoot}/shoe"]));
        var foreignHost = await server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(redAdmin), red.Handle, [$"https://elsewhere.test/is/image/{red.RootId}/shoe"]));
        var asBlue = await server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(redAdmin), blue.Handle, [$"https://{SharedHost}/is/image/{blueRoot}/shoe"]));

        Assert.Equal(foreignHost.Status, otherRoot.Status);
        Assert.Equal(("ipsApiFault", 30001), (otherRoot.Fault.Element, otherRoot.Fault.Code));
        Assert.Equal((foreignHost.Fault.Element, foreignHost.Fault.Code), (otherRoot.Fault.Element, otherRoot.Fault.Code));
        Assert.Contains($"its path is not under /is/image/{red.RootId}/", otherRoot.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(("authorizationFault", 20000), (asBlue.Fault.Element, asBlue.Fault.Code));
        Assert.Equal(0, await server.WithDbAsync(db => db.InvalidationRequests.CountAsync()));
        Assert.Equal(0, await server.WithDbAsync(db => db.NotificationBatches.CountAsync()));
        Assert.Equal(0, await server.WithDbAsync(db => db.AuditRecords.CountAsync()));
    }

    [Fact]
    public async Task Store_RefusesASecondRootDifferingOnlyInCase()
    {
        var root = "Example" + Suffix();
        await server.AddCompanyAsync(root, SharedHost);

        var clash = await Assert.ThrowsAsync<DbUpdateException>(() => server.AddCompanyAsync(root.ToLowerInvariant(), SharedHost));

        Assert.Contains("ix_companies_root_id_lower", clash.InnerException?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Migration_OnAStoreHoldingRootsDifferingOnlyInCase_RefusesNamingThem_AndAppliesNothing(DatabaseProvider provider)
    {
        await using var store = await MigrationStore.CreateAsync(provider);
        await store.MigrateToAsync("PurgeTargets");
        await store.ExecuteAsync("INSERT INTO companies (name, root_id, publish_hosts, created_at) VALUES ('A', 'Example', " + store.Hosts + ", " + store.Now + ")");
        await store.ExecuteAsync("INSERT INTO companies (name, root_id, publish_hosts, created_at) VALUES ('B', 'other', " + store.Hosts + ", " + store.Now + ")");
        await store.ExecuteAsync("INSERT INTO companies (name, root_id, publish_hosts, created_at) VALUES ('C', 'example', " + store.Hosts + ", " + store.Now + ")");

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => store.Migrator.MigrateAsync(CancellationToken.None));

        Assert.Equal(
            "cannot migrate: company roots 'Example' (c|1) and 'example' (c|3) differ only in letter case, so a URL could belong to both companies. "
            + "Change one root in each pair (companies.root_id), then run the migration again.",
            refused.Message);
        Assert.Contains(await store.Migrator.PendingAsync(CancellationToken.None), m => m.EndsWith("_CompanyRootsUniqueIgnoringCase", StringComparison.Ordinal));

        await store.ExecuteAsync("UPDATE companies SET root_id = 'example2' WHERE name = 'C'");
        await store.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Empty(await store.Migrator.PendingAsync(CancellationToken.None));
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
