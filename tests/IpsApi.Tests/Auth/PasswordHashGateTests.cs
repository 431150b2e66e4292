using System.Globalization;
using IpsApi.Core.Users.Throttling;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Auth;

/// <summary>
/// Password checks run on at most <c>Auth:Throttle:MaxConcurrentHashes</c> threads; at most
/// <c>Auth:Throttle:MaxQueuedHashes</c> wait, the rest are refused at once with a 30000 "busy" fault that counts
/// against nobody; a request aborted while it waits is never checked.
/// </summary>
public sealed class PasswordHashGateTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task ConcurrentWrongPasswords_NeverRunMoreHashesAtOnceThanAllowed()
    {
        await using var server = await StartAsync(maxConcurrent: 2, maxQueued: 64);
        var company = await server.AddCompanyAsync();
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        using var hashes = new HashMeter(server.Services);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => GuessAsync(client, server, company)));

        Assert.All(replies, reply => Assert.Equal(10001, reply.Fault.Code));
        Assert.Equal((12, 2), (hashes.Started, hashes.MaxActive));
    }

    [Fact]
    public async Task FullQueue_IsAnsweredBusyAtOnce_AndCountsAgainstNobody()
    {
        await using var server = await StartAsync(maxConcurrent: 1, maxQueued: 2);
        var company = await server.AddCompanyAsync();
        var address = LoopbackSource.Unique();
        using var client = LoopbackSource.Client(address);
        using var hashes = new HashMeter(server.Services);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => GuessAsync(client, server, company)));

        var busy = replies.Where(r => r.Fault.Code == 30000).ToList();
        var checkedOnes = replies.Count(r => r.Fault.Code == 10001);
        Assert.NotEmpty(busy);
        Assert.Equal(replies.Length, busy.Count + checkedOnes);
        Assert.All(busy, reply =>
        {
            Assert.Equal(("ipsApiFault", 30000, "The server is busy checking other credentials; nothing was carried out. Try again in a few seconds."), reply.Fault);
            Assert.Contains("<faultcode>soapenv:Server</faultcode>", reply.Body, StringComparison.Ordinal);
            Assert.Equal("1", reply.Response.Headers.RetryAfter?.ToString());
        });
        Assert.Equal((checkedOnes, busy.Count), (hashes.Started, hashes.Refused));
        var counted = await server.WithDbAsync(db => db.AuthFailures.AsNoTracking()
            .SingleAsync(f => f.Kind == AuthFailureKind.Address && f.Key == address.ToString()));
        Assert.Equal(checkedOnes, counted.Failures);
    }

    [Fact]
    public async Task RequestAbortedWhileWaitingForAHashThread_IsNeverChecked()
    {
        await using var server = await StartAsync(maxConcurrent: 1, maxQueued: 64);
        var company = await server.AddCompanyAsync();
        using var client = LoopbackSource.Client(LoopbackSource.Unique());
        using var hashes = new HashMeter(server.Services);

        using var abandon = new CancellationTokenSource();
        var attempts = Enumerable.Range(0, 8).Select(_ => GuessAsync(client, server, company, abandon.Token)).ToList();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (hashes.Started + hashes.Waiting < attempts.Count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"only {hashes.Started + hashes.Waiting} of {attempts.Count} checks reached the hash threads");
            await Task.Delay(5);
        }

        var startedBeforeAbandoning = hashes.Started;
        await abandon.CancelAsync();
        var abandoned = 0;
        foreach (var attempt in attempts)
        {
            try
            {
                Assert.Equal(10001, (await attempt).Fault.Code);
            }
            catch (OperationCanceledException)
            {
                abandoned++;
            }
        }

        // Checks wait in arrival order: once a later one is answered, every abandoned one has been checked or dropped.
        Assert.Equal(10001, (await GuessAsync(client, server, company)).Fault.Code);
        Assert.True(abandoned >= attempts.Count - startedBeforeAbandoning - 1, $"{abandoned} abandoned, {startedBeforeAbandoning} checked first");
        // Those checked before the client gave up, at most one more that began meanwhile, and the last.
        Assert.InRange(hashes.Started, startedBeforeAbandoning + 1, startedBeforeAbandoning + 2);
        Assert.True(startedBeforeAbandoning < attempts.Count - 2, "the attempts were checked before they could be abandoned");
    }

    private Task<TestServer> StartAsync(int maxConcurrent, int maxQueued) =>
        TestServer.StartOnPostgresAsync(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "0",
            ["Auth:Throttle:MaxConcurrentHashes"] = maxConcurrent.ToString(CultureInfo.InvariantCulture),
            ["Auth:Throttle:MaxQueuedHashes"] = maxQueued.ToString(CultureInfo.InvariantCulture),
            ["Auth:Throttle:MaxFailuresPerAddress"] = "1000",
        });

    private static Task<SoapReply> GuessAsync(HttpClient client, TestServer server, Core.Companies.Company company, CancellationToken cancellationToken = default) =>
        client.PostAsync(
            server.ServiceAddress,
            Envelopes.Invalidate(Envelopes.AuthHeader($"guess-{Guid.NewGuid():N}@example.test", "guess"), company.Handle, [PostgresServerFixture.Url(company, "shoe")]),
            cancellationToken: cancellationToken);
}
