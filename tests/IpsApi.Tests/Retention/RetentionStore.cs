using IpsApi.Core;
using IpsApi.Core.Companies;
using IpsApi.Core.Hooks;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Retention;

/// <summary>
/// The core services on a store of their own (PostgreSQL or the embedded SQLite) and a clock the test moves, with
/// helpers that store requests as they would be after some days: settled or still at work, with their batch, audit
/// record, follow-up job and webhook delivery.
/// </summary>
public sealed class RetentionStore : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);

    private readonly Func<Task> cleanup;

    private RetentionStore(ServiceProvider services, Func<Task> cleanup, ManualClock clock)
    {
        Services = services;
        this.cleanup = cleanup;
        Clock = clock;
    }

    public ServiceProvider Services { get; }

    public ManualClock Clock { get; }

    public static async Task<RetentionStore> StartAsync(string provider, IDictionary<string, string?>? extra = null)
    {
        var location = await ThrowawayStore.CreateAsync(provider == "Postgres", "retention");
        var connectionString = location.ConnectionString;
        Func<Task> cleanup = location.DeleteAsync;

        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:IpsApi"] = connectionString,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var clock = new ManualClock(Start);
        var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddIpsCore(configuration);
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddLogging();
        var store = new RetentionStore(collection.BuildServiceProvider(), cleanup, clock);
        await store.WithAsync<DatabaseMigrator, int>(async migrator =>
        {
            await migrator.MigrateAsync(CancellationToken.None);
            return 0;
        });
        return store;
    }

    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<T> WithDbAsync<T>(Func<IpsDbContext, Task<T>> work) => WithAsync(work);

    public Task<Company> AddCompanyAsync() => WithDbAsync(async db =>
    {
        var root = "Co" + Guid.NewGuid().ToString("N")[..10];
        var company = new Company { Name = root, RootId = root, PublishHosts = [root.ToLowerInvariant() + ".images.test"], CreatedAt = Start };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company;
    });

    /// <summary>
    /// A request of one batch submitted <paramref name="age"/> before the clock's now, with its audit record, a
    /// webhook delivery and a <c>mail</c> job; settled (Done at once, its job done) unless <paramref name="inFlight"/>.
    /// </summary>
    public Task<StoredRequest> AddRequestAsync(Company company, TimeSpan age, bool inFlight = false, bool jobPending = false) => WithDbAsync(async db =>
    {
        var at = Clock.GetUtcNow() - age;
        var request = new InvalidationRequest
        {
            CompanyId = company.Id,
            Token = InvalidationHandle.NewToken(),
            UrlCount = 1,
            CreatedAt = at,
            SubmittedBy = "someone@example.test",
            OpenBatches = inFlight ? 1 : 0,
        };
        request.Batches.Add(new NotificationBatch
        {
            CompanyId = company.Id,
            Urls = [$"https://{company.PublishHosts[0]}/is/image/{company.RootId}/a"],
            UrlCount = 1,
            Status = inFlight ? InvalidationStatus.Received : InvalidationStatus.Done,
            CompletedAt = inFlight ? null : at,
            NextAttemptAt = at,
        });
        db.InvalidationRequests.Add(request);
        db.AuditRecords.Add(new AuditRecord
        {
            Request = request,
            CompanyId = company.Id,
            UrlCount = 1,
            UserEmail = "someone@example.test",
            At = at,
            AppName = "retention-test",
            ClientAddress = "192.0.2.1",
        });
        await db.SaveChangesAsync();
        db.Jobs.Add(new Job
        {
            Kind = FollowUpKinds.Mail,
            CompanyId = company.Id,
            RequestId = request.Id,
            Status = jobPending ? JobStatus.Pending : JobStatus.Done,
            NextAttemptAt = at,
            CreatedAt = at,
            CompletedAt = jobPending ? null : at,
        });
        db.HookDeliveries.Add(new HookDelivery { CompanyId = company.Id, BodyHash = Guid.NewGuid().ToString("N"), ReceivedAt = at, RequestId = request.Id });
        await db.SaveChangesAsync();
        return new StoredRequest(request.Id, request.Handle);
    });

    /// <summary>What is left of a request: the request, its batches, jobs and webhook deliveries, and its audit records linked or not.</summary>
    public Task<Remains> RemainsAsync(StoredRequest request) => WithDbAsync(async db => new Remains(
        await db.InvalidationRequests.CountAsync(r => r.Id == request.Id),
        await db.NotificationBatches.CountAsync(b => b.RequestId == request.Id),
        await db.Jobs.CountAsync(j => j.RequestId == request.Id),
        await db.HookDeliveries.CountAsync(d => d.RequestId == request.Id),
        await db.AuditRecords.CountAsync(a => a.RequestId == request.Id),
        await db.AuditRecords.CountAsync(a => a.RequestId == null && a.Handle == request.Handle)));

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await cleanup();
    }
}
