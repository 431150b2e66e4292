using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Purge;

/// <summary>
/// Purges of a company's whole cache (scope <c>all</c>) through the workers, against the Akamai and Fastly
/// fakes: the calls each CDN gets, refusals at submission when the company lacks what a provider needs,
/// the status lifecycle of an ordinary request, and who may ask.
/// </summary>
public sealed class PurgeAllTests
{
    [Fact]
    public async Task Akamai_InvalidatesTheCompanysCpCodes_InOneCall_StoredAndReportedLikeAnyRequest()
    {
        await using var akamai = await AkamaiFake.StartAsync();
        akamai.EstimatedSeconds = 0;
        akamai.CpCodes.UnionWith([123, 456]);
        await using var stack = await PurgeStack.StartAsync(Akamai(akamai));
        var company = await CompanyAsync(stack, c => c.AkamaiCpCodes = [123, 456]);

        var accepted = await PurgeAllAsync(stack, Admin(stack), company);
        var (done, seen) = await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");

        Assert.DoesNotContain("ERROR_CDN_NODE", seen);
        Assert.Equal(("0", "0", "0"), (done.Value("successCount"), done.Value("warningCount"), done.Value("errorCount")));
        var purge = Assert.Single(akamai.Purges);
        Assert.Equal(("cpcode", "invalidate", "production"), (purge.ObjectType, purge.Action, purge.Network));
        Assert.Equal([123L, 456L], purge.CpCodes);
        Assert.Empty(purge.Urls);
        var request = await stack.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().Include(r => r.Batches).SingleAsync(r => r.CompanyId == company.Id));
        Assert.Equal(accepted.InvalidationHandle, request.Handle);
        Assert.Equal((InvalidationScopes.All, InvalidationKinds.Manual, 0, stack.Admin.Email), (request.Scope, request.Kind, request.UrlCount, request.SubmittedBy));
        var batch = Assert.Single(request.Batches);
        Assert.Equal((0, 0, InvalidationStatus.Done), (batch.Urls.Count, batch.UrlCount, batch.Status));
        Assert.Equal(["akamai"], batch.DoneProviders);
        Assert.Contains($"purgeId={purge.PurgeId}", batch.Receipts, StringComparison.Ordinal);
        Assert.Contains("cpcodes=123,456", batch.Receipts, StringComparison.Ordinal);
        var audit = await stack.Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.RequestId == request.Id));
        Assert.Equal((stack.Admin.Id, stack.Admin.Email), (audit.UserId, audit.UserEmail));
    }

    [Fact]
    public async Task Akamai_CompanyWithoutCpCodes_IsRefusedAtSubmission_NamingTheSetting_NothingStored()
    {
        await using var akamai = await AkamaiFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(Akamai(akamai));
        var company = await CompanyAsync(stack, _ => { });

        var fault = (await Assert.ThrowsAsync<IpsFaultException>(() => PurgeAllAsync(stack, Admin(stack), company))).Fault;

        Assert.Equal(FaultCodes.InvalidParameter, fault.Code);
        Assert.Equal(
            $"The whole cache of company {company.Handle} cannot be purged, so nothing was stored: akamai purges a company's whole cache by its CP codes, "
            + $"and company {company.Handle} has none: ipsapi company update {company.Handle} --akamai-cpcode N.",
            fault.Reason);
        await AssertNothingStoredAsync(stack, company);
        Assert.Equal(0, akamai.Received);
    }

    [Fact]
    public async Task Fastly_CompanyWithItsOwnService_PurgesThatServiceWhole_NeverSoftly()
    {
        await using var fastly = await FastlyFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(Fastly(fastly, soft: true));
        var service = fastly.Services.Single();
        var company = await CompanyAsync(stack, c => c.FastlyServiceId = service);

        var accepted = await PurgeAllAsync(stack, Admin(stack), company);
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");

        // Fastly has no soft purge_all: a soft flag would be ignored, so none is sent.
        Assert.Equal(new FastlyFakeServicePurge(service, null, false, null), Assert.Single(fastly.ServicePurges));
        Assert.Empty(fastly.Purges);
    }

    [Fact]
    public async Task Fastly_CompanyWithASurrogateKey_PurgesTheKeyOnTheSharedService_NotTheServiceWhole()
    {
        await using var fastly = await FastlyFake.StartAsync();
        var shared = fastly.Services.Single();
        await using var stack = await PurgeStack.StartAsync(Merge(Fastly(fastly, soft: true), new() { ["Purge:Fastly:ServiceId"] = shared }));
        var company = await CompanyAsync(stack, c => c.FastlySurrogateKey = "company-acme");

        var accepted = await PurgeAllAsync(stack, Admin(stack), company);
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");

        var purge = Assert.Single(fastly.ServicePurges);
        Assert.Equal((shared, "company-acme", true), (purge.ServiceId, purge.SurrogateKey, purge.Soft));
        var receipts = await stack.Server.WithDbAsync(db => db.NotificationBatches.Where(b => b.CompanyId == company.Id).Select(b => b.Receipts).SingleAsync());
        Assert.Equal($"fastly soft-purged key company-acme on service {shared} id={purge.Id}", receipts);
    }

    [Theory]
    [InlineData(null, "fastly needs company {0}'s own service or its surrogate key on a shared one: ipsapi company update {0} --fastly-service ID (purged whole) or --fastly-surrogate-key KEY (with Purge:Fastly:ServiceId)")]
    [InlineData("company-acme", "fastly purges company {0}'s surrogate key on the service it tags, and none is set: set Purge:Fastly:ServiceId (the shared service) or ipsapi company update {0} --fastly-service ID")]
    public async Task Fastly_WithoutWhatItNeeds_IsRefusedAtSubmission_NamingTheSetting_NothingStored(string? surrogateKey, string reason)
    {
        await using var fastly = await FastlyFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(Fastly(fastly, soft: false));
        var company = await CompanyAsync(stack, c => c.FastlySurrogateKey = surrogateKey);

        var fault = (await Assert.ThrowsAsync<IpsFaultException>(() => PurgeAllAsync(stack, Admin(stack), company))).Fault;

        Assert.Equal(FaultCodes.InvalidParameter, fault.Code);
        Assert.EndsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, company.Handle) + ".", fault.Reason, StringComparison.Ordinal);
        await AssertNothingStoredAsync(stack, company);
        Assert.Equal(0, fastly.Received);
    }

    [Fact]
    public async Task EveryProviderOnTheRoute_IsAsked_OneRefusalNamesEachMissingSetting()
    {
        await using var akamai = await AkamaiFake.StartAsync();
        await using var fastly = await FastlyFake.StartAsync();
        await using var stack = await PurgeStack.StartAsync(Merge(Akamai(akamai), Fastly(fastly, soft: false)));
        var company = await CompanyAsync(stack, _ => { });

        var fault = (await Assert.ThrowsAsync<IpsFaultException>(() => PurgeAllAsync(stack, Admin(stack), company))).Fault;

        Assert.Contains("--akamai-cpcode N; fastly needs", fault.Reason, StringComparison.Ordinal);
        await AssertNothingStoredAsync(stack, company);
    }

    [Fact]
    public async Task OriginThenBothCdns_PassTheTiersInOrder_AnOriginFailureIsRetried()
    {
        await using var akamai = await AkamaiFake.StartAsync();
        akamai.EstimatedSeconds = 0;
        akamai.CpCodes.Add(777);
        await using var fastly = await FastlyFake.StartAsync();

        // Each tier holds the batch until the test has seen its status: no race with the polling.
        var originGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cdnGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var origin = new ScriptedProvider("origin", _ => PurgeOutcome.Transient([new UrlFailure("origin node", 503, "busy")]), ScriptedProvider.Ok) { Gate = originGate.Task };
        var held = new ScriptedProvider("held", ScriptedProvider.Ok) { Gate = cdnGate.Task };
        await using var stack = await PurgeStack.StartAsync(
            Merge(Akamai(akamai), Fastly(fastly, soft: false), new() { ["Purge:Origin"] = "origin", ["Purge:Cdn"] = "akamai,fastly,held" }),
            origin,
            held);
        var company = await CompanyAsync(stack, c => (c.AkamaiCpCodes, c.FastlyServiceId) = ([777], fastly.Services.Single()));

        var accepted = await PurgeAllAsync(stack, Admin(stack), company);
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "FlushingOrigin");
        var cdnCallsWhileOrigin = akamai.Received + fastly.Received;
        originGate.SetResult();
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "FlushingCdn");
        cdnGate.SetResult();
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");

        Assert.Equal(0, cdnCallsWhileOrigin);
        Assert.Equal([company.Handle, company.Handle], origin.WholeCacheCalls);
        Assert.Empty(origin.Calls);
        Assert.Equal([company.Handle], held.WholeCacheCalls);
        Assert.Equal([777L], Assert.Single(akamai.Purges).CpCodes);
        Assert.Single(fastly.ServicePurges);
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync(b => b.CompanyId == company.Id));
        Assert.Equal(1, batch.Attempt);
        Assert.Equal(["origin", "akamai", "fastly", "held"], batch.DoneProviders);
    }

    [Fact]
    public async Task FastlyRefusingThePurge_EndsErrorCdnNode_WithFastlysReasonAgainstTheWholeCache()
    {
        await using var fastly = await FastlyFake.StartAsync();
        fastly.MayPurgeAll = false;
        await using var stack = await PurgeStack.StartAsync(Fastly(fastly, soft: false));
        var company = await CompanyAsync(stack, c => c.FastlyServiceId = fastly.Services.Single());

        var accepted = await PurgeAllAsync(stack, Admin(stack), company);
        var (failed, seen) = await stack.WaitForStatusAsync(accepted.InvalidationHandle, "ERROR_CDN_NODE");

        Assert.DoesNotContain("Done", seen);
        Assert.Contains(
            $"<code>403</code><reason>fastly: {company.Handle} whole cache: Fastly-Key rejected (403: You are not authorized to perform this action: The token does not have the purge_all scope)</reason>",
            failed.Body,
            StringComparison.Ordinal);
        Assert.Empty(fastly.ServicePurges);
    }

    [Fact]
    public async Task Roles_CompanyAdminOfTheCompanyMay_OfAnotherCompanyGets20000_WebServiceUserGets20003_NothingStoredWhenRefused()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        var company = await CompanyAsync(stack, _ => { });
        var other = await stack.Server.AddCompanyAsync();
        var member = await stack.Server.AddUserAsync(Role.IpsCompanyAdmin, company);
        var stranger = await stack.Server.AddUserAsync(Role.IpsCompanyAdmin, other);
        var webService = await stack.Server.AddUserAsync(Role.WebServiceUser, company);

        var foreign = await Assert.ThrowsAsync<IpsFaultException>(() => PurgeAllAsync(stack, As(stranger, Role.IpsCompanyAdmin, other), company));
        var noPermission = await Assert.ThrowsAsync<IpsFaultException>(() => PurgeAllAsync(stack, As(webService, Role.WebServiceUser, company), company));
        await AssertNothingStoredAsync(stack, company);
        var accepted = await PurgeAllAsync(stack, As(member, Role.IpsCompanyAdmin, company), company);

        Assert.Equal((FaultKind.Authorization, FaultCodes.InvalidCompany), (foreign.Fault.Kind, foreign.Fault.Code));
        Assert.Equal((FaultKind.Authorization, FaultCodes.NoOperationPermission), (noPermission.Fault.Kind, noPermission.Fault.Code));
        await stack.WaitForStatusAsync(accepted.InvalidationHandle, "Done");
        var audit = await stack.Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.Request!.CompanyId == company.Id));
        Assert.Equal(member.Email, audit.UserEmail);
    }

    private static async Task AssertNothingStoredAsync(PurgeStack stack, Company company)
    {
        Assert.False(await stack.Server.WithDbAsync(db => db.InvalidationRequests.AnyAsync(r => r.CompanyId == company.Id)));
        Assert.False(await stack.Server.WithDbAsync(db => db.NotificationBatches.AnyAsync(b => b.CompanyId == company.Id)));
    }

    /// <summary>A new company with the purge-all settings the test gives, stored before anything has cached it.</summary>
    private static async Task<Company> CompanyAsync(PurgeStack stack, Action<Company> configure)
    {
        var added = await stack.Server.AddCompanyAsync();
        return await stack.Server.WithDbAsync(async db =>
        {
            var company = await db.Companies.SingleAsync(c => c.Id == added.Id);
            configure(company);
            await db.SaveChangesAsync();
            return company;
        });
    }

    private static async Task<InvalidationAccepted> PurgeAllAsync(PurgeStack stack, Caller caller, Company company)
    {
        await using var scope = stack.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InvalidationService>().PurgeAllAsync(caller, company.Handle, CancellationToken.None);
    }

    private static Caller Admin(PurgeStack stack) => As(stack.Admin, Role.IpsAdmin);

    private static Caller As(TestUser user, Role role, params Company[] companies) =>
        new(new AuthenticatedUser(user.Id, user.Email, role, companies.Select(c => c.Id).ToHashSet()), "tests", "1", "127.0.0.1");

    private static Dictionary<string, string?> Akamai(AkamaiFake akamai) => new()
    {
        ["Purge:Akamai:Host"] = "akab-test.purge.akamaiapis.net",
        ["Purge:Akamai:BaseUri"] = akamai.BaseUri.ToString(),
        ["Purge:Akamai:ClientToken"] = akamai.Credentials.ClientToken,
        ["Purge:Akamai:AccessToken"] = akamai.Credentials.AccessToken,
        ["Purge:Akamai:ClientSecret"] = akamai.Credentials.ClientSecret,
    };

    private static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(part => part).ToDictionary(setting => setting.Key, setting => setting.Value);

    private static Dictionary<string, string?> Fastly(FastlyFake fastly, bool soft) => new()
    {
        ["Purge:Fastly:ApiToken"] = fastly.ApiKey,
        ["Purge:Fastly:BaseUri"] = fastly.BaseUri.ToString(),
        ["Purge:Fastly:SoftPurge"] = soft ? "true" : "false",
    };
}
