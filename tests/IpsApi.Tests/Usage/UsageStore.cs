using IpsApi.Core;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Usage;

/// <summary>
/// The core services on a store of their own (PostgreSQL or the embedded SQLite), on a clock the test moves, with
/// an admin; every accept runs in a scope (a DbContext) of its own, as calls on a server do.
/// </summary>
public sealed class UsageStore : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider services;
    private readonly Func<Task> cleanup;

    private UsageStore(ServiceProvider services, Func<Task> cleanup, ManualClock clock, LogCapture log, string connectionString)
    {
        this.services = services;
        this.cleanup = cleanup;
        ConnectionString = connectionString;
        Clock = clock;
        Log = log;
    }

    public ManualClock Clock { get; }

    public string ConnectionString { get; }

    /// <summary>The services' own instance of a singleton (one per store).</summary>
    public T Singleton<T>() where T : notnull => services.GetRequiredService<T>();

    public LogCapture Log { get; }

    public AuthenticatedUser Admin { get; private set; } = null!;

    public static async Task<UsageStore> StartAsync(bool postgres, IDictionary<string, string?>? extra = null)
    {
        var store = await ThrowawayStore.CreateAsync(postgres, "usage");
        var connectionString = store.ConnectionString;
        Func<Task> cleanup = store.DeleteAsync;

        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres ? "Postgres" : "Sqlite",
            ["ConnectionStrings:IpsApi"] = connectionString,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddIpsCore(configuration);
        var clock = new ManualClock(Start);
        var log = new LogCapture();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var built = new UsageStore(collection.BuildServiceProvider(), cleanup, clock, log, connectionString);
        await using (var scope = built.services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        built.Admin = await built.WithDbAsync(async db =>
        {
            var user = new User { Email = $"admin-{Guid.NewGuid():N}@example.test", PasswordHash = "unused", Role = Role.IpsAdmin, CreatedAt = Start };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return new AuthenticatedUser(user.Id, user.Email, Role.IpsAdmin, new HashSet<int>());
        });
        return built;
    }

    public async Task<T> WithDbAsync<T>(Func<IpsDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IpsDbContext>());
    }

    public Task<Company> AddCompanyAsync(int requestsPerMinute = 0, int urlsPerHour = 0, bool invalidationEnabled = true)
    {
        var root = "Co" + Guid.NewGuid().ToString("N")[..10];
        var company = new Company
        {
            Name = root,
            RootId = root,
            PublishHosts = [root.ToLowerInvariant() + ".images.test"],
            CreatedAt = Start,
            RequestsPerMinute = requestsPerMinute,
            UrlsPerHour = urlsPerHour,
            InvalidationEnabled = invalidationEnabled,
        };
        return WithDbAsync(async db =>
        {
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company;
        });
    }

    /// <summary>Changes a company's row as <c>ipsapi company update</c> does.</summary>
    public Task UpdateCompanyAsync(Company company, Action<Company> change) => WithDbAsync(async db =>
    {
        var row = await db.Companies.SingleAsync(c => c.Id == company.Id);
        change(row);
        return await db.SaveChangesAsync();
    });

    /// <summary>Accepts a request of <paramref name="urlCount"/> distinct URLs, in a scope of its own.</summary>
    public async Task<InvalidationAccepted> AcceptAsync(Company company, int urlCount, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var urls = Enumerable.Range(0, urlCount).Select(i => $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/u{i}-{Guid.NewGuid():N}").ToList();
        return await scope.ServiceProvider.GetRequiredService<InvalidationService>().AcceptAsync(
            new Caller(Admin, "usage-test", null, "127.0.0.1"), new InvalidationCommand(company.Handle, urls), cancellationToken);
    }

    /// <summary>The fault an accept is refused with; fails the test when it is accepted.</summary>
    public async Task<IpsFault> RefusedAsync(Company company, int urlCount)
    {
        var refused = await Assert.ThrowsAsync<IpsFaultException>(() => AcceptAsync(company, urlCount));
        return refused.Fault;
    }

    /// <summary>Requests, batches and audit records stored for the company.</summary>
    public Task<(int Requests, int Batches, int Audits)> StoredAsync(Company company) => WithDbAsync(async db => (
        await db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id),
        await db.NotificationBatches.CountAsync(b => b.CompanyId == company.Id),
        await db.AuditRecords.CountAsync(a => db.InvalidationRequests.Any(r => r.Id == a.RequestId && r.CompanyId == company.Id))));

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await cleanup();
    }
}
