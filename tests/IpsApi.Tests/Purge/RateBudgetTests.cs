using IpsApi.Core;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Akamai;
using IpsApi.Core.Purge.Budget;
using IpsApi.Core.Purge.Fastly;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Purge;

/// <summary>
/// The token buckets in <c>rate_buckets</c>, on a real PostgreSQL and a clock that moves only when told: refill from
/// timestamps, capped at the capacity, reservations that queue up, concurrent takes that never overdraw, a 429 that
/// empties the budget; and the same statement on the embedded store.
/// </summary>
public sealed class RateBudgetTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private string connectionString = null!;
    private ServiceProvider services = null!;

    private RateBudget Budget => services.GetRequiredService<RateBudget>();

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        services = await StoreAsync(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:IpsApi"] = connectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task FullBucket_CapacityTakesPassAtOnce_TheNextWaitsOneRefill()
    {
        var name = Unique();
        var bucket = Bucket(10, 5);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, (await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Wait);
        }

        var (row, wait) = await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None);
        Assert.Equal(-1, row.Tokens, 9);
        Assert.Equal(0.2, wait.TotalSeconds, 6);
    }

    [Fact]
    public async Task Refill_FromTimestamps_CapsAtCapacity()
    {
        var name = Unique();
        var bucket = Bucket(10, 5);
        await Budget.ReserveAsync(name, bucket, 10, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5 - 1, (await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Bucket.Tokens, 6);

        // A long quiet spell refills to the capacity and no further: 10 pass, the 11th waits.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal((0d, TimeSpan.Zero), await TokensAndWait(name, bucket, 10));
        Assert.Equal(0.2, (await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Wait.TotalSeconds, 6);
    }

    [Fact]
    public async Task ClockBehindTheLastTaker_RefillsNothing_AndDoesNotMoveTheBucketBack()
    {
        var name = Unique();
        var bucket = Bucket(10, 5);
        await Budget.ReserveAsync(name, bucket, 10, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(-3));
        var (row, wait) = await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal((-1d, 0.2), (row.Tokens, Math.Round(wait.TotalSeconds, 6)));
        Assert.Equal(clock.GetUtcNow().AddTicks(-(clock.GetUtcNow().Ticks % 10)), row.UpdatedAt);
    }

    [Fact]
    public async Task TakeOfTheCapacity_Passes_OneMoreThanTheCapacity_IsRefusedWithoutTouchingTheBucket()
    {
        var name = Unique();
        var urls = Bucket(10_000, 200);

        // A 1000-URL call from Akamai's 10,000 bucket, then the whole bucket at once after a refill.
        Assert.Equal(TimeSpan.Zero, (await Budget.ReserveAsync(name, urls, 1000, CancellationToken.None)).Wait);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((0d, TimeSpan.Zero), await TokensAndWait(name, urls, 10_000));

        clock.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Budget.ReserveAsync(name, urls, 10_001, CancellationToken.None));
        Assert.Equal(0, await TokensAsync(name));
    }

    [Fact]
    public async Task ConcurrentTakes_FromTwoConnections_NeverOverdraw_EachReservesItsOwnSlot()
    {
        var name = Unique();
        var bucket = Bucket(10, 5);
        await using var first = await StoreAsync(new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:IpsApi"] = connectionString }, migrate: false);
        await using var second = await StoreAsync(new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:IpsApi"] = connectionString }, migrate: false);

        async Task<List<TimeSpan>> TakeManyAsync(RateBudget budget)
        {
            var waits = new List<TimeSpan>();
            for (var i = 0; i < 100; i++)
            {
                waits.Add((await budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Wait);
            }

            return waits;
        }

        var results = await Task.WhenAll(
            Task.Run(() => TakeManyAsync(first.GetRequiredService<RateBudget>())),
            Task.Run(() => TakeManyAsync(second.GetRequiredService<RateBudget>())));

        // The clock stood still: exactly the 10 tokens were there, and every other take waits for a refill of its own.
        var waits = results.SelectMany(w => w).Select(w => Math.Round(w.TotalSeconds, 6)).Order().ToList();
        Assert.Equal(10, waits.Count(w => w == 0));
        Assert.Equal(Enumerable.Range(1, 190).Select(i => Math.Round(i * 0.2, 6)), waits.Skip(10));
        Assert.Equal(10 - 200, await TokensAsync(name), 6);
        Assert.Contains(results[0], w => w > TimeSpan.Zero);
        Assert.Contains(results[1], w => w > TimeSpan.Zero);
    }

    [Fact]
    public async Task ProviderThrottled_EmptiesTheBucket_UntilItsRetryAfterHasPassed()
    {
        var name = Unique();
        var bucket = Bucket(100, 50);
        await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None);

        await Budget.DrainAsync(name, bucket, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(2.02, (await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Wait.TotalSeconds, 6);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, (await Budget.ReserveAsync(name, bucket, 1, CancellationToken.None)).Wait);
    }

    [Fact]
    public async Task TakeAsync_WaitWithinMaxWait_IsWaited_ALongerOne_GivesTheTokensBack_AndSaysWhenToAskAgain()
    {
        var account = Unique();
        var budget = new RateBudgetOptions
        {
            Requests = Bucket(1, 1),
            Urls = Bucket(100, 100),
            MaxWait = TimeSpan.FromSeconds(0.5),
        };

        Assert.Null(await Budget.TakeAsync(account, budget, 50, CancellationToken.None));
        var later = await Budget.TakeAsync(account, budget, 50, CancellationToken.None);

        Assert.Equal(0.5, later!.Value.TotalSeconds, 6);
        Assert.Equal(0, await TokensAsync(RateBudget.BucketName(account, "requests")), 6);
        Assert.Equal(50, await TokensAsync(RateBudget.BucketName(account, "urls")), 6);

        // Exactly MaxWait away is still waited for (on the clock: here a real timer of a few hundred ms).
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Null(await Budget.TakeAsync(account, budget, 50, CancellationToken.None));
        Assert.Equal(-0.5, await TokensAsync(RateBudget.BucketName(account, "requests")), 6);
    }

    [Fact]
    public async Task Akamai429_EmptiesTheSharedBudget_ForAkamaisDelay()
    {
        await using var fake = await AkamaiFake.StartAsync(requestBucket: 1, requestsPerSecond: 0.01);
        var provider = AkamaiProvider(fake, options => options.DefaultThrottleDelay = TimeSpan.FromSeconds(7));

        Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(Targets(1), CancellationToken.None)).Kind);
        var throttled = await provider.PurgeAsync(Targets(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, throttled.Kind);
        Assert.Equal(1, fake.Throttled);
        var requests = RateBudget.BucketName("akamai:akab-test.purge.akamaiapis.net", "requests");
        var delay = throttled.RetryAfter!.Value.TotalSeconds;
        Assert.True(delay >= 7, $"Akamai's delay {delay} s");
        Assert.Equal(-delay * 50, await TokensAsync(requests), 6);
    }

    [Fact]
    public async Task Akamai_SplitsACall_SoNoPartHoldsMoreUrlsThanTheUrlBucket()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var provider = AkamaiProvider(fake, options => options.Budget.Urls = Bucket(3, 100));

        var outcome = await provider.PurgeAsync(Targets(7), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal([3, 3, 1], fake.Purges.Select(p => p.Urls.Count));
        Assert.Equal(3 - 7, await TokensAsync(RateBudget.BucketName("akamai:akab-test.purge.akamaiapis.net", "urls")), 6);
    }

    [Fact]
    public async Task Fastly_BudgetWhenConfigured_EachCallTakesARequest_TheCallsBeyondItAreThrottledUncalled()
    {
        await using var fake = await FastlyFake.StartAsync();
        var options = new FastlyOptions
        {
            ApiToken = fake.ApiKey,
            BaseUri = fake.BaseUri,
            Budget = new RateBudgetOptions { Requests = Bucket(2, 1), MaxWait = TimeSpan.Zero },
        };
        var provider = new FastlyPurgeProvider(Http, Options.Create(options), clock, Budget, NullLogger<FastlyPurgeProvider>.Instance);

        var outcome = await provider.PurgeAsync(Targets(3), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(1, outcome.RetryAfter!.Value.TotalSeconds, 6);
        Assert.Equal(2, fake.Purges.Count);
        Assert.Equal(0, await TokensAsync(RateBudget.BucketName(FastlyOptions.BudgetAccount, "requests")), 6);
    }

    [Fact]
    public async Task EmbeddedStore_RunsTheSameStatements()
    {
        var directory = Directory.CreateTempSubdirectory("ipsapi-budget-").FullName;
        try
        {
            await using (var sqlite = await StoreAsync(new Dictionary<string, string?> { ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(directory, "ipsapi.db")}" }))
            {
                var budget = sqlite.GetRequiredService<RateBudget>();
                var bucket = Bucket(10, 5);
                Assert.Equal(TimeSpan.Zero, (await budget.ReserveAsync("b", bucket, 10, CancellationToken.None)).Wait);
                Assert.Equal(0.2, (await budget.ReserveAsync("b", bucket, 1, CancellationToken.None)).Wait.TotalSeconds, 6);
                clock.Advance(TimeSpan.FromHours(1));
                Assert.Equal(10 - 4, (await budget.ReserveAsync("b", bucket, 4, CancellationToken.None)).Bucket.Tokens, 6);
                await budget.DrainAsync("b", bucket, TimeSpan.FromSeconds(1), CancellationToken.None);
                Assert.Equal(1.2, (await budget.ReserveAsync("b", bucket, 1, CancellationToken.None)).Wait.TotalSeconds, 6);
                await budget.RefundAsync("b", 1, CancellationToken.None);
                Assert.Equal(1.2, (await budget.ReserveAsync("b", bucket, 1, CancellationToken.None)).Wait.TotalSeconds, 6);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static TokenBucketOptions Bucket(double capacity, double perSecond) => new() { Capacity = capacity, PerSecond = perSecond };

    private static string Unique() => "test:" + Guid.NewGuid().ToString("N");

    private static List<PurgeTarget> Targets(int count) =>
        [.. AnonymousUrls.Create(count).Select(PurgeTarget.Of)];

    private async Task<(double Tokens, TimeSpan Wait)> TokensAndWait(string name, TokenBucketOptions bucket, double cost)
    {
        var (row, wait) = await Budget.ReserveAsync(name, bucket, cost, CancellationToken.None);
        return (Math.Round(row.Tokens, 6), wait);
    }

    private async Task<double> TokensAsync(string name)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IpsDbContext>();
        return (await db.RateBuckets.AsNoTracking().SingleAsync(b => b.Name == name)).Tokens;
    }

    private AkamaiPurgeProvider AkamaiProvider(AkamaiFake fake, Action<AkamaiOptions> change)
    {
        var options = new AkamaiOptions
        {
            Host = "akab-test.purge.akamaiapis.net",
            BaseUri = fake.BaseUri,
            ClientToken = fake.Credentials.ClientToken,
            AccessToken = fake.Credentials.AccessToken,
            ClientSecret = fake.Credentials.ClientSecret,
        };
        change(options);
        return new AkamaiPurgeProvider(Http, Options.Create(options), clock, new AkamaiPurgeState(), Budget, NullLogger<AkamaiPurgeProvider>.Instance);
    }

    private async Task<ServiceProvider> StoreAsync(Dictionary<string, string?> settings, bool migrate = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var provider = new ServiceCollection().AddIpsCore(configuration).AddSingleton<TimeProvider>(clock).BuildServiceProvider();
        if (migrate)
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        return provider;
    }
}
