using IpsApi.Core;
using IpsApi.Core.Audit;
using IpsApi.Core.Jobs;
using IpsApi.Core.Retention;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Retention;

/// <summary>
/// Retention on each store, on a clock the test moves: settled requests older than Retention:Days go with their
/// batches, jobs and webhook deliveries, in statements of at most Retention:BatchSize rows; requests in flight stay
/// whatever their age; the audit record outlives its request until Retention:AuditDays.
/// </summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task SettledRequest_OlderThanDays_IsDeleted_YoungerOnesKept_AuditKeptWithItsHandle(string provider)
    {
        await using var store = await RetentionStore.StartAsync(provider);
        var company = await store.AddCompanyAsync();
        var young = await store.AddRequestAsync(company, 89 * Day);
        var edge = await store.AddRequestAsync(company, 90 * Day);
        var old = await store.AddRequestAsync(company, 91 * Day);

        var report = await SweepAsync(store);

        Assert.Equal(Remains.All, await store.RemainsAsync(young));
        Assert.Equal(Remains.All, await store.RemainsAsync(edge));
        Assert.Equal(Remains.AuditOnly, await store.RemainsAsync(old));
        Assert.Equal((1, 1, 1, 1, 0, true), (report.Requests, report.Batches, report.Jobs, report.HookDeliveries, report.AuditRecords, report.Complete));

        var audit = await store.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.Handle == old.Handle));
        Assert.Equal((company.Id, 1, "someone@example.test", "192.0.2.1"), (audit.CompanyId, audit.UrlCount, audit.UserEmail, audit.ClientAddress));
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task RequestInFlight_OrWithAFollowUpPending_IsKept_WhateverItsAge(string provider)
    {
        await using var store = await RetentionStore.StartAsync(provider);
        var company = await store.AddCompanyAsync();
        var inFlight = await store.AddRequestAsync(company, 400 * Day, inFlight: true);
        var mailPending = await store.AddRequestAsync(company, 400 * Day, jobPending: true);

        await SweepAsync(store);

        // Their webhook deliveries are older than the cutoff, and go by their own age; nothing else of the requests does.
        Assert.Equal(Remains.All with { HookDeliveries = 0 }, await store.RemainsAsync(inFlight));
        Assert.Equal(Remains.All with { HookDeliveries = 0 }, await store.RemainsAsync(mailPending));
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task AuditRecord_IsKeptUntilAuditDays_ThenDeleted(string provider)
    {
        await using var store = await RetentionStore.StartAsync(provider);
        var company = await store.AddCompanyAsync();
        var request = await store.AddRequestAsync(company, 91 * Day);
        await SweepAsync(store);
        Assert.Equal(Remains.AuditOnly, await store.RemainsAsync(request));

        // Submitted 399 days ago: kept.
        store.Clock.Advance(308 * Day);
        Assert.Equal(0, (await SweepAsync(store)).AuditRecords);
        Assert.Equal(Remains.AuditOnly, await store.RemainsAsync(request));

        // 400 days: still kept (older than, not as old as); 401: deleted.
        store.Clock.Advance(Day);
        await SweepAsync(store);
        Assert.Equal(Remains.AuditOnly, await store.RemainsAsync(request));
        store.Clock.Advance(Day);
        Assert.Equal(1, (await SweepAsync(store)).AuditRecords);
        Assert.Equal(Remains.Nothing, await store.RemainsAsync(request));
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task EachStatement_DeletesAtMostBatchSizeRows_TheRestInTheNextRound(string provider)
    {
        await using var store = await RetentionStore.StartAsync(provider, new Dictionary<string, string?> { ["Retention:BatchSize"] = "2" });
        var company = await store.AddCompanyAsync();
        var requests = new List<StoredRequest>();
        for (var i = 0; i < 3; i++)
        {
            requests.Add(await store.AddRequestAsync(company, 100 * Day));
        }

        var first = await store.WithAsync<RetentionSweep, (RetentionReport, bool)>(sweep => sweep.SweepOnceAsync(CancellationToken.None));
        Assert.Equal((2, 2, 2, 2, true), (first.Item1.Requests, first.Item1.Batches, first.Item1.Jobs, first.Item1.HookDeliveries, first.Item2));
        Assert.Equal(1, await store.WithDbAsync(db => db.InvalidationRequests.CountAsync()));

        var second = await store.WithAsync<RetentionSweep, (RetentionReport, bool)>(sweep => sweep.SweepOnceAsync(CancellationToken.None));
        Assert.Equal((1, 1, 1, 1, false), (second.Item1.Requests, second.Item1.Batches, second.Item1.Jobs, second.Item1.HookDeliveries, second.Item2));
        Assert.All(requests, r => Assert.Equal(Remains.AuditOnly, store.RemainsAsync(r).GetAwaiter().GetResult()));

        // A whole run goes round until nothing is left: 2 + 1 of each here, then an empty round.
        Assert.Equal(0, (await SweepAsync(store)).Requests);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task AuditList_ShowsAnAuditWhoseRequestIsGone_WithItsHandle_NewestFirst_AndFilters(string provider)
    {
        await using var store = await RetentionStore.StartAsync(provider);
        var company = await store.AddCompanyAsync();
        var other = await store.AddCompanyAsync();
        var gone = await store.AddRequestAsync(company, 91 * Day);
        var kept = await store.AddRequestAsync(company, 10 * Day);
        await store.AddRequestAsync(other, 5 * Day);
        await SweepAsync(store);

        Task<IReadOnlyList<AuditEntry>> ListAsync(AuditFilter filter) => store.WithAsync<AuditReader, IReadOnlyList<AuditEntry>>(r => r.ListAsync(filter, CancellationToken.None));
        var mine = await ListAsync(new AuditFilter(CompanyId: company.Id));
        var since = await ListAsync(new AuditFilter(Since: store.Clock.GetUtcNow() - (10 * Day)));
        var all = await ListAsync(new AuditFilter(UserEmail: "SOMEONE@example.test", Limit: 2));

        Assert.Equal([(kept.Handle, true), (gone.Handle, false)], mine.Select(e => (e.Handle, e.RequestKept)));
        Assert.All(mine, e => Assert.Equal((company.Handle, 1, "someone@example.test", "retention-test"), (e.Company, e.UrlCount, e.User, e.AppName)));
        Assert.Equal(2, since.Count);
        Assert.Equal(other.Handle, since[0].Company);
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public async Task RetentionJob_RunsOnTheQueue_AndSchedulesItsNextRun_OneWaitingAtATime()
    {
        await using var store = await RetentionStore.StartAsync("Postgres");
        var company = await store.AddCompanyAsync();
        var old = await store.AddRequestAsync(company, 91 * Day);
        var interval = TimeSpan.FromHours(1);

        // Two nodes schedule a run at once: one is stored, an interval from now.
        Assert.True(await store.WithAsync<RetentionSchedule, bool>(s => s.EnsureScheduledAsync(store.Clock.GetUtcNow() + interval, CancellationToken.None)));
        Assert.False(await store.WithAsync<RetentionSchedule, bool>(s => s.EnsureScheduledAsync(store.Clock.GetUtcNow() + interval, CancellationToken.None)));
        Assert.False(await store.WithAsync<RetentionSchedule, bool>(s => s.ScheduleNextAsync(store.Clock.GetUtcNow(), CancellationToken.None)));
        Assert.Null(await ClaimAsync(store));

        store.Clock.Advance(interval);
        var job = await ClaimAsync(store);
        Assert.NotNull(job);
        // While it runs (leased), no node claims another.
        Assert.Null(await ClaimAsync(store));
        await using (var scope = store.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<JobProcessor>().ProcessAsync(job, CancellationToken.None);
        }

        Assert.Equal(Remains.AuditOnly, await store.RemainsAsync(old));
        var jobs = await store.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Kind == FollowUpKinds.Retention).OrderBy(j => j.Id).ToListAsync());
        Assert.Equal(2, jobs.Count);
        Assert.Equal((JobStatus.Done, true), (jobs[0].Status, jobs[0].Result!.StartsWith("deleted 1 request(s)", StringComparison.Ordinal)));
        Assert.Equal((JobStatus.Pending, store.Clock.GetUtcNow() + interval), (jobs[1].Status, jobs[1].NextAttemptAt));
    }

    [Theory]
    [InlineData(90, 400, null)]
    [InlineData(90, 90, null)]
    [InlineData(1, 1, null)]
    [InlineData(90, 89, "Retention:AuditDays (89) must be at least Retention:Days (90)")]
    [InlineData(0, 400, "Retention:Days must be from 1")]
    public void Options_AreCheckedAtStart(int days, int auditDays, string? failure)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Days"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Retention:AuditDays"] = auditDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddIpsCore(configuration).BuildServiceProvider();
        if (failure is null)
        {
            Assert.Equal((days, auditDays), (services.GetRequiredService<IOptions<RetentionOptions>>().Value.Days, services.GetRequiredService<IOptions<RetentionOptions>>().Value.AuditDays));
            return;
        }

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Contains(failure, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Core.Persistence.DatabaseProvider.Postgres)]
    [InlineData(Core.Persistence.DatabaseProvider.Sqlite)]
    public async Task ExistingAuditRecords_TakeTheirRequestsCompanyAndUrlCount(Core.Persistence.DatabaseProvider provider)
    {
        await using var store = await MigrationStore.CreateAsync(provider);
        await store.MigrateToAsync("DataProtectionKeys");
        await store.ExecuteAsync($"INSERT INTO companies (id, name, root_id, publish_hosts, created_at) VALUES (7, 'A', 'Example', {store.Hosts}, {store.Now})");
        await store.ExecuteAsync("INSERT INTO invalidation_requests (id, company_id, token, url_count, estimated_seconds, created_at, submitted_by, open_batches, email_cc_originator, email_others) "
            + $"VALUES (1, 7, 'AAAAAAAAAAAAAAAAAAAAAA', 12, 0, {store.Now}, 'cli:ops', 0, {(provider == Core.Persistence.DatabaseProvider.Postgres ? "false" : "0")}, {store.List()})");
        await store.ExecuteAsync($"INSERT INTO audit_records (id, request_id, user_email, at) VALUES (1, 1, 'cli:ops', {store.Now})");

        await store.Migrator.MigrateAsync(CancellationToken.None);

        var audit = await store.Db.AuditRecords.AsNoTracking().SingleAsync();
        Assert.Equal((1L, 7, 12, (string?)null), (audit.RequestId, audit.CompanyId, audit.UrlCount, audit.Handle));
    }

    private static Task<RetentionReport> SweepAsync(RetentionStore store) =>
        store.WithAsync<RetentionSweep, RetentionReport>(sweep => sweep.RunAsync(CancellationToken.None));

    private static Task<Job?> ClaimAsync(RetentionStore store) =>
        store.WithAsync<JobQueue, Job?>(queue => queue.ClaimAsync([FollowUpKinds.Retention], CancellationToken.None));
}
