using System.Net;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using IpsApi.Tests.Support;
using Microsoft.Data.Sqlite;
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
        var directory = Directory.CreateTempSubdirectory("ipsapi-throttle-").FullName;
        var connectionString = provider == "Postgres" ? await TestPostgres.CreateDatabaseAsync() : $"Data Source={Path.Combine(directory, "ipsapi.db")}";
        try
        {
            await using var server = await TestServer.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Database:Provider"] = provider,
                    ["ConnectionStrings:IpsApi"] = connectionString,
                    ["Purge:Workers"] = "0",
                    ["Auth:Throttle:MaxFailuresPerUserName"] = "2",
                    ["Auth:Throttle:MaxFailuresPerAddress"] = "3",
                },
                services => services.AddSingleton<TimeProvider>(clock));
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
            Assert.Equal([(AuthFailureKind.UserName, 1), (AuthFailureKind.Address, 1)], Counts(await RowsAsync()));

            // Remembered credentials clear the name's count (no check), the address keeps its own.
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user.Email, user.Password)).Status);
            Assert.Equal([(AuthFailureKind.Address, 1)], Counts(await RowsAsync()));

            // Two more failures under another name: it is locked, and so is the address (3).
            var other = $"other-{Guid.NewGuid():N}@example.test";
            await LoginAsync(other, "x");
            await LoginAsync(other, "y");
            Assert.Equal([(AuthFailureKind.UserName, 2), (AuthFailureKind.Address, 3)], Counts(await RowsAsync()));
            var checks = hashes.Started;
            Assert.Equal(10001, (await LoginAsync(user.Email, user.Password)).Fault.Code);
            Assert.Equal(checks, hashes.Started);

            // The window ends (and the remembered credentials with it): the right password is checked again, counted
            // first in a new window and then forgiven; counting swept every row of an ended window.
            clock.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user.Email, user.Password)).Status);
            Assert.Equal(checks + 1, hashes.Started);
            Assert.Equal([(AuthFailureKind.Address, 0)], Counts(await RowsAsync()));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            if (provider == "Postgres")
            {
                await TestPostgres.DropDatabaseAsync(connectionString);
            }
        }
    }

    private static List<(AuthFailureKind, int)> Counts(List<AuthFailure> rows) =>
        [.. rows.OrderBy(r => r.Kind).Select(r => (r.Kind, r.Failures))];
}
