using System.Net;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Auth;

/// <summary>Every statement of the failure counts, on each store: counting, locking, a window ending, forgiving, sweeping.</summary>
public sealed class LoginThrottleStoreTests
{
    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task FailuresCountLockEndAndAreSwept_OnEachStore(string provider)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var throttled = await ThrottledStore.StartAsync(provider, clock, nameLimit: 2, addressLimit: 3);
        var server = throttled.Server;
        var company = await server.AddCompanyAsync();
        var user = await server.AddUserAsync(Role.IpsAdmin);
        var address = LoopbackSource.Unique();
        using var client = LoopbackSource.Client(address);
        using var hashes = new HashMeter(server.Services);
        Task<SoapReply> LoginAsync(string email, string password) => client.PostAsync(
            server.ServiceAddress, Envelopes.Invalidate(Envelopes.AuthHeader(email, password), company.Handle, [PostgresServerFixture.Url(company, "a")]));
        Task<List<AuthFailure>> RowsAsync() => server.WithDbAsync(db => db.AuthFailures.AsNoTracking().ToListAsync());

        // A success (checked, then remembered) and a failure: the name counts 1, and the address 1.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user.Email, user.Password)).Status);
        Assert.Equal(10001, (await LoginAsync(user.Email, "wrong")).Fault.Code);
        Assert.Equal([(AuthFailureKind.UserName, 1, 0), (AuthFailureKind.Address, 1, 0)], Counts(await RowsAsync()));

        // Remembered credentials clear the name's count (no check), the address keeps its own.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user.Email, user.Password)).Status);
        Assert.Equal([(AuthFailureKind.Address, 1, 0)], Counts(await RowsAsync()));

        // Two more failures under another name: it is locked, and so is the address (3).
        var other = $"other-{Guid.NewGuid():N}@example.test";
        await LoginAsync(other, "x");
        await LoginAsync(other, "y");
        Assert.Equal([(AuthFailureKind.UserName, 2, 0), (AuthFailureKind.Address, 3, 0)], Counts(await RowsAsync()));
        var checks = hashes.Started;
        Assert.Equal(10001, (await LoginAsync(user.Email, user.Password)).Fault.Code);
        Assert.Equal(checks, hashes.Started);

        // The window ends (and the remembered credentials with it): the right password is checked again, counted
        // first in a new window and then forgiven; counting swept every row of an ended window.
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user.Email, user.Password)).Status);
        Assert.Equal(checks + 1, hashes.Started);
        Assert.Equal([(AuthFailureKind.Address, 0, 0)], Counts(await RowsAsync()));
    }

    /// <summary>
    /// Checks under way count toward the limit (a further attempt is over it) but lock nothing; a wrong password moves its
    /// check to the failures, a right one or an unchecked one takes it back; a failure whose window has started again
    /// since takes no other check's count.
    /// </summary>
    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task ChecksUnderWay_CountTowardTheLimit_ButLockNothing_OnEachStore(string provider)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var throttled = await ThrottledStore.StartAsync(provider, clock, nameLimit: 2, addressLimit: 10);
        var server = throttled.Server;
        var limits = server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LoginThrottleOptions>>().Value;
        var keys = ThrottleKeys.For($"racing-{Guid.NewGuid():N}@example.test", IPAddress.Parse("192.0.2.7"));
        Task<T> WithThrottleAsync<T>(Func<LoginThrottle, Task<T>> work) => server.WithScopeAsync(scope => work(scope.GetRequiredService<LoginThrottle>()));
        Task<IReadOnlyList<AuthFailure>> BeginAsync() => WithThrottleAsync(t => t.BeginAsync(keys, clock.GetUtcNow(), CancellationToken.None));

        var first = await BeginAsync();
        var second = await BeginAsync();
        var third = await BeginAsync();
        Assert.Equal([(AuthFailureKind.UserName, 0, 3), (AuthFailureKind.Address, 0, 3)], Counts(third));
        Assert.Null(LoginThrottle.OverLimit(second, limits));
        Assert.Equal(AuthFailureKind.UserName, LoginThrottle.OverLimit(third, limits)?.Kind);
        Assert.Null(LoginThrottle.LockedBy(third, limits, clock.GetUtcNow()));

        // The third is refused unchecked; the first was a wrong password, the second a right one.
        await WithThrottleAsync(async t => { await t.UncountAsync(third, CancellationToken.None); return 0; });
        var failed = await WithThrottleAsync(t => t.FailAsync(first, clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal([(AuthFailureKind.UserName, 1, 1), (AuthFailureKind.Address, 1, 1)], Counts(failed));
        Assert.Empty(LoginThrottle.Reached(failed, limits));
        await WithThrottleAsync(async t => { await t.ForgiveAsync(keys, second, CancellationToken.None); return 0; });
        Assert.Equal([(AuthFailureKind.Address, 1, 0)], Counts(await server.WithDbAsync(db => db.AuthFailures.AsNoTracking().Where(f => f.Key == keys.Address).ToListAsync())));

        // A check begun in a window since ended: its failure opens a new window and takes no count of the new one's.
        var old = await BeginAsync();
        clock.Advance(limits.Window);
        var current = await BeginAsync();
        var late = await WithThrottleAsync(t => t.FailAsync(old, clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal([(AuthFailureKind.UserName, 1, 1), (AuthFailureKind.Address, 1, 1)], Counts(late));
        Assert.All(late, row => Assert.Equal(current.Single(c => c.Kind == row.Kind).WindowEndsAt, row.WindowEndsAt));
    }

    /// <summary>A server of the test's own on a throwaway store of either provider, with the limits and clock it is given.</summary>
    private sealed class ThrottledStore(TestServer server, ThrowawayStore store) : IAsyncDisposable
    {
        public TestServer Server { get; } = server;

        public static async Task<ThrottledStore> StartAsync(string provider, TimeProvider clock, int nameLimit, int addressLimit)
        {
            var store = await ThrowawayStore.CreateAsync(provider == "Postgres", "throttle");
            var server = await TestServer.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Database:Provider"] = provider,
                    ["ConnectionStrings:IpsApi"] = store.ConnectionString,
                    ["Purge:Workers"] = "0",
                    ["Auth:Throttle:MaxFailuresPerUserName"] = nameLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Auth:Throttle:MaxFailuresPerAddress"] = addressLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                services => services.AddSingleton(clock));
            return new ThrottledStore(server, store);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await store.DeleteAsync();
        }
    }

    private static List<(AuthFailureKind, int, int)> Counts(IEnumerable<AuthFailure> rows) =>
        [.. rows.OrderBy(r => r.Kind).Select(r => (r.Kind, r.Failures, r.InFlight))];
}
