using System.Diagnostics;
using System.Net;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Serilog.Events;

namespace IpsApi.Tests.Auth;

/// <summary>
/// Failed logins lock a user name and a client address (3 and 6 failures here) for the rest of a 15-minute window: further
/// attempts are refused with the same 10001 fault without a password check, the right password included, and a
/// name that does not exist locks exactly like one that does.
/// </summary>
public sealed class LoginThrottleTests(ThrottledServerFixture fixture) : IClassFixture<ThrottledServerFixture>
{
    /// <summary>
    /// Less than a password check (~100 ms or more here; a refusal is one query): the loose check on time. That
    /// no password was checked at all is asserted exactly, by counting the hashes started.
    /// </summary>
    private const double FastMs = 60;

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task WrongPasswords_PastTheUserNameLimit_AreRefusedWithoutACheck_EvenTheRightPassword()
    {
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        using var hashes = new HashMeter(Server.Services);

        var failures = new List<SoapReply>();
        for (var i = 0; i < ThrottledServerFixture.UserNameLimit; i++)
        {
            failures.Add((await LoginAsync(client, user.Email, "wrong-" + i)).Reply);
        }

        Assert.All(failures, reply => Assert.Equal(10001, reply.Fault.Code));
        Assert.Equal(ThrottledServerFixture.UserNameLimit, hashes.Started);

        var refused = new List<(SoapReply Reply, double Ms)>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add(await LoginAsync(client, user.Email, "wrong-again"));
            refused.Add(await LoginAsync(client, user.Email, user.Password));
        }

        Assert.All(refused, r => Assert.Equal((failures[0].Status, failures[0].Body), (r.Reply.Status, r.Reply.Body)));
        Assert.Equal(ThrottledServerFixture.UserNameLimit, hashes.Started);
        Assert.True(Median(refused.Select(r => r.Ms)) < FastMs, $"refusals took {string.Join(", ", refused.Select(r => $"{r.Ms:0.0}"))} ms");
    }

    [Fact]
    public async Task RememberedCredentials_AreRefusedToo_WhileTheUserNameIsLocked()
    {
        // Otherwise a guess equal to the remembered password would get through the lock, unchecked and at once.
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var owner = LoopbackSource.Client(LoopbackSource.Unique());
        using var guesser = LoopbackSource.Client(LoopbackSource.Unique());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(owner, user.Email, user.Password)).Reply.Status);

        for (var i = 0; i < ThrottledServerFixture.UserNameLimit; i++)
        {
            await LoginAsync(guesser, user.Email, "guess-" + i);
        }

        Assert.Equal(10001, (await LoginAsync(owner, user.Email, user.Password)).Reply.Fault.Code);
        Assert.Equal(10001, (await LoginAsync(guesser, user.Email, user.Password)).Reply.Fault.Code);
    }

    [Fact]
    public async Task ConcurrentGuessesOnOneName_CheckNoMorePasswordsThanTheLimit()
    {
        var name = $"burst-{Guid.NewGuid():N}@example.test";
        using var hashes = new HashMeter(Server.Services);
        var clients = Enumerable.Range(0, 4).Select(_ => LoopbackSource.Client(LoopbackSource.Unique())).ToList();

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => LoginAsync(clients[i % clients.Count], name, "guess-" + i)));

        Assert.All(replies, r => Assert.Equal(10001, r.Reply.Fault.Code));
        Assert.Equal(ThrottledServerFixture.UserNameLimit, hashes.Started);
        clients.ForEach(client => client.Dispose());
    }

    [Fact]
    public async Task ConcurrentRightPasswords_LockNothing_TheNextLoginPasses()
    {
        // A pipeline's parallel calls on a fresh server: more right passwords at once than the limit of failures.
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());

        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => LoginAsync(client, user.Email, user.Password)));
        var next = await LoginAsync(client, user.Email, user.Password);

        Assert.Contains(burst, r => r.Reply.Status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, next.Reply.Status);
        var rows = await Server.WithDbAsync(db => db.AuthFailures.AsNoTracking().Where(f => f.Key == user.Email.ToLowerInvariant()).ToListAsync());
        Assert.All(rows, row => Assert.Equal((0, 0), (row.Failures, row.InFlight)));
    }

    [Fact]
    public async Task UnknownUserName_LocksExactlyLikeAKnownOne()
    {
        var known = await Server.AddUserAsync(Role.IpsAdmin);
        var unknown = "nobody-" + Guid.NewGuid().ToString("N") + "@example.test";

        var knownSteps = await AttemptsAsync(known.Email);
        var unknownSteps = await AttemptsAsync(unknown);

        Assert.Equal(knownSteps, unknownSteps);
        Assert.Equal([true, true, true, false, false], knownSteps.Select(s => s.Checked));

        async Task<List<(HttpStatusCode Status, string Body, bool Checked)>> AttemptsAsync(string email)
        {
            using var client = LoopbackSource.Client(LoopbackSource.Unique());
            using var hashes = new HashMeter(Server.Services);
            var steps = new List<(HttpStatusCode, string, bool)>();
            for (var i = 0; i < ThrottledServerFixture.UserNameLimit + 2; i++)
            {
                var before = hashes.Started;
                var (reply, _) = await LoginAsync(client, email, "guess-" + i);
                steps.Add((reply.Status, reply.Body, hashes.Started > before));
            }

            return steps;
        }
    }

    [Fact]
    public async Task AddressLimit_CountsAcrossUserNames_AndRefusesEveryoneFromThatAddress()
    {
        var address = LoopbackSource.Unique();
        using var client = LoopbackSource.Client(address);
        using var elsewhere = LoopbackSource.Client(LoopbackSource.Unique());
        var colleague = await Server.AddUserAsync(Role.IpsAdmin);
        using var hashes = new HashMeter(Server.Services);

        for (var i = 0; i < ThrottledServerFixture.AddressLimit; i++)
        {
            var (reply, _) = await LoginAsync(client, $"guess-{i}-{Guid.NewGuid():N}@example.test", "guess");
            Assert.Equal(10001, reply.Fault.Code);
        }

        Assert.Equal(ThrottledServerFixture.AddressLimit, hashes.Started);
        var freshName = await LoginAsync(client, $"fresh-{Guid.NewGuid():N}@example.test", "guess");
        var rightPassword = await LoginAsync(client, colleague.Email, colleague.Password);
        Assert.Equal(10001, freshName.Reply.Fault.Code);
        Assert.Equal(10001, rightPassword.Reply.Fault.Code);
        Assert.Equal(ThrottledServerFixture.AddressLimit, hashes.Started);
        Assert.True(Math.Min(freshName.Ms, rightPassword.Ms) < FastMs, $"refusals took {freshName.Ms:0.0} and {rightPassword.Ms:0.0} ms");

        var (fromElsewhere, _) = await LoginAsync(elsewhere, colleague.Email, colleague.Password);
        Assert.Equal(HttpStatusCode.OK, fromElsewhere.Status);
    }

    [Fact]
    public async Task Lock_EndsWithItsWindow_AndEndedWindowsAreDeleted()
    {
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        for (var i = 0; i <= ThrottledServerFixture.UserNameLimit; i++)
        {
            await LoginAsync(client, user.Email, "wrong-" + i);
        }

        Assert.Equal(10001, (await LoginAsync(client, user.Email, user.Password)).Reply.Fault.Code);

        fixture.Clock.Advance(ThrottledServerFixture.Window - TimeSpan.FromSeconds(1));
        Assert.Equal(10001, (await LoginAsync(client, user.Email, user.Password)).Reply.Fault.Code);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var (accepted, _) = await LoginAsync(client, user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);

        // That login counted its attempt first, which swept every row whose window had ended; its own name's row is
        // gone with the success.
        var now = fixture.Clock.GetUtcNow();
        var left = await Server.WithDbAsync(db => db.AuthFailures.AsNoTracking().ToListAsync());
        Assert.DoesNotContain(left, f => f.WindowEndsAt <= now);
        Assert.DoesNotContain(left, f => f.Kind == AuthFailureKind.UserName && f.Key == user.Email);
    }

    [Fact]
    public async Task RightPassword_BeforeTheLimit_ClearsTheUserNamesFailures()
    {
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        for (var round = 0; round < 2; round++)
        {
            for (var i = 1; i < ThrottledServerFixture.UserNameLimit; i++)
            {
                Assert.Equal(10001, (await LoginAsync(client, user.Email, "typo-" + i)).Reply.Fault.Code);
            }

            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, user.Email, user.Password)).Reply.Status);
        }
    }

    [Fact]
    public async Task TwoNodesOnOneDatabase_ShareTheCount()
    {
        await using var other = await fixture.StartNodeAsync();
        var user = await Server.AddUserAsync(Role.IpsAdmin);
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        using var hashesHere = new HashMeter(Server.Services);
        using var hashesThere = new HashMeter(other.Services);

        for (var i = 0; i < ThrottledServerFixture.UserNameLimit; i++)
        {
            var node = i % 2 == 0 ? Server : other;
            Assert.Equal(10001, (await LoginAsync(client, user.Email, "wrong-" + i, node)).Reply.Fault.Code);
        }

        Assert.Equal((2, 1), (hashesHere.Started, hashesThere.Started));
        Assert.Equal(10001, (await LoginAsync(client, user.Email, user.Password, other)).Reply.Fault.Code);
        Assert.Equal(10001, (await LoginAsync(client, user.Email, user.Password, Server)).Reply.Fault.Code);
        Assert.Equal((2, 1), (hashesHere.Started, hashesThere.Started));
    }

    [Fact]
    public async Task FailedLogins_AreLoggedWithNameAndAddress_AndALockOnceAtWarning()
    {
        var address = LoopbackSource.Unique();
        using var client = LoopbackSource.Client(address);
        var name = $"log-{Guid.NewGuid():N}@example.test";
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < ThrottledServerFixture.UserNameLimit + 2; i++)
        {
            await LoginAsync(client, name, secret);
        }

        await fixture.Log.WaitForAsync(e => Mentions(e, name) && e.MessageTemplate.Text.StartsWith("Refused", StringComparison.Ordinal), TimeSpan.FromSeconds(20), 0);
        var entries = fixture.Log.Events.Where(e => Mentions(e, name)).ToList();
        Assert.Equal(ThrottledServerFixture.UserNameLimit, entries.Count(e => e.MessageTemplate.Text.StartsWith("Invalid credentials", StringComparison.Ordinal)));
        Assert.All(entries.Where(e => e.Level == LogEventLevel.Information), e => Assert.Equal(address.ToString(), Property(e, "ClientAddress")));
        var locked = Assert.Single(entries, e => e.Level == LogEventLevel.Warning);
        Assert.Equal(ThrottledServerFixture.UserNameLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Property(locked, "Failures"));
        Assert.StartsWith("Locked user name", locked.MessageTemplate.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, fixture.Log.Text, StringComparison.Ordinal);

        static bool Mentions(LogEvent e, string name) => e.Properties.Values.Any(v => v.ToString().Contains(name, StringComparison.Ordinal));
    }

    private async Task<(SoapReply Reply, double Ms)> LoginAsync(HttpClient client, string email, string password, TestServer? node = null)
    {
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(email, password), fixture.Company.Handle, [PostgresServerFixture.Url(fixture.Company, "shoe")]);
        var watch = Stopwatch.StartNew();
        var reply = await client.PostAsync((node ?? Server).ServiceAddress, envelope);
        return (reply, watch.Elapsed.TotalMilliseconds);
    }

    private static string? Property(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var value) ? (value as ScalarValue)?.Value?.ToString() : null;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
