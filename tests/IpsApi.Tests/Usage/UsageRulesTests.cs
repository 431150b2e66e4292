using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Usage;

/// <summary>One store for a test class; each test makes companies of its own, and the clock only moves forward.</summary>
public abstract class UsageStoreFixture(bool postgres) : IAsyncLifetime
{
    public UsageStore Store { get; private set; } = null!;

    public bool Postgres => postgres;

    public async Task InitializeAsync() => Store = await UsageStore.StartAsync(postgres);

    public async Task DisposeAsync() => await Store.DisposeAsync();
}

public sealed class PostgresUsageStoreFixture() : UsageStoreFixture(postgres: true);

public sealed class SqliteUsageStoreFixture() : UsageStoreFixture(postgres: false);

public sealed class UsageRulesPostgresTests(PostgresUsageStoreFixture fixture) : UsageRulesTests(fixture), IClassFixture<PostgresUsageStoreFixture>;

public sealed class UsageRulesSqliteTests(SqliteUsageStoreFixture fixture) : UsageRulesTests(fixture), IClassFixture<SqliteUsageStoreFixture>;

/// <summary>The usage rules at their edges, on each store: limits, sliding windows, switches, and racing accepts.</summary>
public abstract class UsageRulesTests(UsageStoreFixture fixture)
{
    private UsageStore Store => fixture.Store;

    [Fact]
    public async Task RequestsPerMinute3_TheThirdPasses_TheFourthFaults30001NamingTheLimit_AndStoresNothing()
    {
        var company = await Store.AddCompanyAsync(requestsPerMinute: 3);
        var t0 = Store.Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await Store.AcceptAsync(company, 2);
        }

        var before = await Store.StoredAsync(company);
        var fault = await Store.RefusedAsync(company, 2);

        Assert.Equal((FaultKind.IpsApi, FaultCodes.InvalidParameter), (fault.Kind, fault.Code));
        Assert.Equal(
            $"Usage limit reached: company {company.Handle} may make at most 3 invalidation requests per minute; 3 were accepted in the last minute. "
            + $"The limit allows another at {Iso(t0.AddMinutes(1))}. Nothing was invalidated.",
            fault.Reason);
        Assert.Equal(TimeSpan.FromSeconds(60), fault.RetryAfter);
        Assert.Equal((3, 3, 3), before);
        Assert.Equal(before, await Store.StoredAsync(company));
        Assert.Contains(Store.Log.Entries, e => e.StartsWith("Warning IpsApi.Core.Usage.UsageRules [3202] ", StringComparison.Ordinal)
            && e.Contains($"Refused an invalidation request of 2 URLs for company {company.Handle}: usage limit requests per minute 3 reached, 3 used in the window", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UrlsPerHour250_250UrlsPass_The251stFaults_UntilTheFirstRequestLeavesTheHour()
    {
        var company = await Store.AddCompanyAsync(urlsPerHour: 250);
        var t0 = Store.Clock.GetUtcNow();
        await Store.AcceptAsync(company, 100);
        Store.Clock.Advance(TimeSpan.FromMinutes(10));
        await Store.AcceptAsync(company, 150);

        var fault = await Store.RefusedAsync(company, 1);

        Assert.Equal((FaultKind.IpsApi, FaultCodes.InvalidParameter), (fault.Kind, fault.Code));
        Assert.Equal(
            $"Usage limit reached: company {company.Handle} may invalidate at most 250 URLs per hour; 250 were accepted in the last hour and this request has 1. "
            + $"The limit allows it again at {Iso(t0.AddHours(1))}. Nothing was invalidated.",
            fault.Reason);
        Assert.Equal(TimeSpan.FromMinutes(50), fault.RetryAfter);
        Assert.Equal((2, 3, 2), await Store.StoredAsync(company));

        // The first request leaves the window exactly an hour after it was accepted, not a millisecond before.
        Store.Clock.Advance(TimeSpan.FromMinutes(50) - TimeSpan.FromMilliseconds(1));
        await Store.RefusedAsync(company, 1);
        Store.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await Store.AcceptAsync(company, 100);
        var full = await Store.RefusedAsync(company, 1);
        Assert.Contains($"250 were accepted in the last hour and this request has 1. The limit allows it again at {Iso(t0.AddMinutes(70))}.", full.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlsPerHour_RequestThatNeedsSeveralToLeave_IsToldWhenEnoughHaveLeft()
    {
        var company = await Store.AddCompanyAsync(urlsPerHour: 300);
        var t0 = Store.Clock.GetUtcNow();
        foreach (var (urls, minutes) in new[] { (100, 0), (100, 5), (100, 7) })
        {
            Store.Clock.Advance(TimeSpan.FromMinutes(minutes) - (Store.Clock.GetUtcNow() - t0));
            await Store.AcceptAsync(company, urls);
        }

        // 150 URLs fit once the first two requests (accepted at t0 and t0+5 min) have left the hour.
        var fault = await Store.RefusedAsync(company, 150);

        Assert.Contains($"300 were accepted in the last hour and this request has 150. The limit allows it again at {Iso(t0.AddMinutes(65))}.", fault.Reason, StringComparison.Ordinal);
        Store.Clock.Advance(t0.AddMinutes(65) - Store.Clock.GetUtcNow());
        await Store.AcceptAsync(company, 150);
    }

    [Fact]
    public async Task UrlsPerHour250_OneRequestOf251_CanNeverFit_AndSaysToSplitIt()
    {
        var company = await Store.AddCompanyAsync(urlsPerHour: 250);

        var fault = await Store.RefusedAsync(company, 251);

        Assert.Equal(
            $"Usage limit reached: company {company.Handle} may invalidate at most 250 URLs per hour and this request has 251, so it can never fit; "
            + "split it into requests of at most 250 URLs. Nothing was invalidated.",
            fault.Reason);
        Assert.Null(fault.RetryAfter);
        Assert.Equal((0, 0, 0), await Store.StoredAsync(company));
    }

    [Fact]
    public async Task RequestsPerMinute_TheWindowSlides_EachRequestCountsForExactlyOneMinute()
    {
        var company = await Store.AddCompanyAsync(requestsPerMinute: 3);
        var t0 = Store.Clock.GetUtcNow();
        await Store.AcceptAsync(company, 1);
        Store.Clock.Advance(TimeSpan.FromSeconds(10));
        await Store.AcceptAsync(company, 1);
        Store.Clock.Advance(TimeSpan.FromSeconds(10));
        await Store.AcceptAsync(company, 1);
        Store.Clock.Advance(TimeSpan.FromSeconds(10));

        var fault = await Store.RefusedAsync(company, 1);
        Assert.Contains($"The limit allows another at {Iso(t0.AddMinutes(1))}.", fault.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), fault.RetryAfter);

        Store.Clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        await Store.RefusedAsync(company, 1);
        Store.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await Store.AcceptAsync(company, 1);

        // Now the oldest in the window is the one of t0+10 s.
        var next = await Store.RefusedAsync(company, 1);
        Assert.Contains($"The limit allows another at {Iso(t0.AddSeconds(70))}.", next.Reason, StringComparison.Ordinal);
        Assert.Equal((4, 4, 4), await Store.StoredAsync(company));
    }

    [Fact]
    public async Task BothLimits_ARequestOfScopeAllCountsAsARequest_NotAsUrls()
    {
        var company = await Store.AddCompanyAsync(requestsPerMinute: 2, urlsPerHour: 10);
        await Store.WithDbAsync(async db =>
        {
            db.InvalidationRequests.Add(new InvalidationRequest
            {
                CompanyId = company.Id,
                Token = "purge-all-" + Guid.NewGuid().ToString("N")[..16],
                UrlCount = 0,
                CreatedAt = Store.Clock.GetUtcNow(),
                SubmittedBy = "cli:operator",
                Scope = InvalidationScopes.All,
            });
            return await db.SaveChangesAsync();
        });

        await Store.AcceptAsync(company, 10);
        var fault = await Store.RefusedAsync(company, 1);

        Assert.Contains("may make at most 2 invalidation requests per minute; 2 were accepted in the last minute.", fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompanySwitchedOff_Faults20009NamingTheCompany_StoresNothing_LogsOneLine()
    {
        var company = await Store.AddCompanyAsync(invalidationEnabled: false);

        var fault = await Store.RefusedAsync(company, 3);

        Assert.Equal((FaultKind.Authorization, FaultCodes.MissingPermission), (fault.Kind, fault.Code));
        Assert.Equal($"Invalidation is disabled for company {company.Handle}; nothing was invalidated.", fault.Reason);
        Assert.Null(fault.RetryAfter);
        Assert.Equal((0, 0, 0), await Store.StoredAsync(company));
        Assert.Single(Store.Log.Entries, e => e.Contains($"for company {company.Handle}: invalidation is disabled for the company", StringComparison.Ordinal)
            && e.StartsWith("Information IpsApi.Core.Usage.UsageRules [3201] ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompanyWithALimit_SwitchedOff_IsRefusedAtOnce_ItsRowIsReadInTheAcceptTransaction()
    {
        var company = await Store.AddCompanyAsync(requestsPerMinute: 100);
        await Store.AcceptAsync(company, 1);

        await Store.UpdateCompanyAsync(company, c => c.InvalidationEnabled = false);
        var fault = await Store.RefusedAsync(company, 1);

        Assert.Equal(FaultCodes.MissingPermission, fault.Code);
        Assert.Equal((1, 1, 1), await Store.StoredAsync(company));
    }

    [Fact]
    public async Task CompanyWithoutLimits_SwitchedOff_IsRefusedOnceTheCompanyCacheExpires()
    {
        var company = await Store.AddCompanyAsync();
        await Store.AcceptAsync(company, 1);

        await Store.UpdateCompanyAsync(company, c => c.InvalidationEnabled = false);
        await Store.AcceptAsync(company, 1);
        Store.Clock.Advance(Core.Companies.CompanyCache.Lifetime);
        var fault = await Store.RefusedAsync(company, 1);

        Assert.Equal(FaultCodes.MissingPermission, fault.Code);
        Assert.Equal((2, 2, 2), await Store.StoredAsync(company));
    }

    [Fact]
    public async Task GlobalSwitchOff_Faults20009ForEveryCompany_StoresNothing()
    {
        await using var store = await UsageStore.StartAsync(fixture.Postgres, new Dictionary<string, string?> { ["Invalidation:Enabled"] = "false" });
        var company = await store.AddCompanyAsync();

        var fault = await store.RefusedAsync(company, 1);

        Assert.Equal((FaultKind.Authorization, FaultCodes.MissingPermission), (fault.Kind, fault.Code));
        Assert.Equal("Invalidation is disabled for every company on this server (Invalidation:Enabled is false); nothing was invalidated.", fault.Reason);
        Assert.Equal((0, 0, 0), await store.StoredAsync(company));
        Assert.Single(store.Log.Entries, e => e.StartsWith("Information IpsApi.Core.Usage.UsageRules [3200] ", StringComparison.Ordinal)
            && e.Contains($"for company {company.Handle}: invalidation is disabled for every company", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestsPerMinute1_ParallelAcceptsFromSeparateContexts_ExactlyOnePasses()
    {
        const int parallel = 8;
        var company = await Store.AddCompanyAsync(requestsPerMinute: 1);
        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            await start.WaitAsync();
            try
            {
                await Store.AcceptAsync(company, 5);
                return 0;
            }
            catch (IpsFaultException e)
            {
                return e.Fault.Code;
            }
        })).ToList();
        start.Release(parallel);

        var codes = await Task.WhenAll(attempts);

        Assert.Single(codes, c => c == 0);
        Assert.Equal(parallel - 1, codes.Count(c => c == FaultCodes.InvalidParameter));
        Assert.Equal((1, 1, 1), await Store.StoredAsync(company));
        Assert.Equal(5, await Store.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).SumAsync(r => r.UrlCount)));
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
