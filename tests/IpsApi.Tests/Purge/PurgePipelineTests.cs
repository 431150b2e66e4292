using System.Xml.Linq;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Queue;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Purge;

/// <summary>The queue and the workers between a stored request and its purge, with providers under the test's control.</summary>
public sealed class PurgePipelineTests
{
    private static readonly XNamespace Body = Envelopes.BodyNs;

    [Fact]
    public async Task Accept_WithLogProviderOnly_ReachesDoneThroughTheWorkers()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        var handle = (await stack.AcceptAsync(stack.Url("a"), stack.Url("b?$thumb$"))).Handle;

        var (done, _) = await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal(("0", "2", "0", "0"), (done.Value("estimatedSeconds"), done.Value("successCount"), done.Value("warningCount"), done.Value("errorCount")));
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal(["log"], batch.DoneProviders);
        Assert.Null(batch.LeaseToken);
        Assert.NotNull(batch.CompletedAt);
    }

    [Fact]
    public async Task Retry_ProviderThatAlreadySucceeded_IsNotCalledAgain()
    {
        var origin = new ScriptedProvider("origin-script", ScriptedProvider.Ok);
        var cdn = new ScriptedProvider("cdn-script", urls => PurgeOutcome.Transient(PurgeOutcome.All(urls, 503, "Service Unavailable")), ScriptedProvider.Ok);
        await using var stack = await PurgeStack.StartAsync(Tiers("origin-script", "cdn-script"), origin, cdn);
        var handle = (await stack.AcceptAsync(stack.Url("a"))).Handle;

        var (_, seen) = await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal((1, 2), (origin.CallCount, cdn.CallCount));
        Assert.DoesNotContain("ERROR", seen);
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal(["origin-script", "cdn-script"], batch.DoneProviders);
        Assert.Equal(1, batch.Attempt);
    }

    [Fact]
    public async Task Throttled_WaitsAsToldAndUsesNoAttempt()
    {
        var wait = TimeSpan.FromMilliseconds(300);
        var cdn = new ScriptedProvider(
            "cdn-script",
            _ => PurgeOutcome.Throttled(wait, "429 Too Many Requests"),
            _ => PurgeOutcome.Throttled(wait, "429 Too Many Requests"),
            _ => PurgeOutcome.Throttled(wait, "429 Too Many Requests"),
            ScriptedProvider.Ok);
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?>(Tiers("none", "cdn-script")) { ["Purge:MaxAttempts"] = "1" }, cdn);
        var handle = (await stack.AcceptAsync(stack.Url("a"))).Handle;

        var (_, seen) = await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal(4, cdn.CallCount);
        Assert.All(cdn.Gaps, gap => Assert.True(gap >= wait, $"retried after {gap.TotalMilliseconds} ms, before the {wait.TotalMilliseconds} ms asked for"));
        Assert.DoesNotContain("ERROR_CDN_NODE", seen);
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal(0, batch.Attempt);
    }

    [Fact]
    public async Task PermanentRefusal_FailsAtOnceWithTheProvidersReasonPerUrl()
    {
        var cdn = new ScriptedProvider("cdn-script", urls => PurgeOutcome.Permanent(PurgeOutcome.All(urls, 403, "Forbidden: not authorized to purge this host")));
        await using var stack = await PurgeStack.StartAsync(Tiers("log", "cdn-script"), cdn);
        var a = stack.Url("a");
        var b = stack.Url("b?$thumb$");
        var handle = (await stack.AcceptAsync(a, b)).Handle;

        var (failed, seen) = await stack.WaitForStatusAsync(handle, "ERROR_CDN_NODE");

        Assert.Equal(1, cdn.CallCount);
        Assert.DoesNotContain("Done", seen);
        Assert.Equal(("0", "0", "2"), (failed.Value("estimatedSeconds"), failed.Value("successCount"), failed.Value("errorCount")));
        var faults = failed.Xml.Descendants(Body + "errorDetailArray").Single().Elements(Body + "items")
            .Select(f => ((int)f.Element(Body + "code")!, (string)f.Element(Body + "reason")!)).ToList();
        Assert.Equal(
            [(403, $"cdn-script: {a}: Forbidden: not authorized to purge this host"), (403, $"cdn-script: {b}: Forbidden: not authorized to purge this host")],
            faults);
    }

    [Fact]
    public async Task OriginFailingEveryAttempt_EndsInErrorAfterTheLastAttempt_WarningOnTheWay()
    {
        var origin = new ScriptedProvider("origin-script", urls => PurgeOutcome.Transient(PurgeOutcome.All(urls, 0, "node1:6081 unreachable: Connection refused")));
        var cdn = new ScriptedProvider("cdn-script", ScriptedProvider.Ok);
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?>(Tiers("origin-script", "cdn-script"))
            {
                ["Purge:MaxAttempts"] = "4",
                ["Purge:RetryBaseDelay"] = "00:00:00.200",
                ["Purge:RetryMaxDelay"] = "00:00:00.400",
            },
            origin,
            cdn);
        var url = stack.Url("a");
        var handle = (await stack.AcceptAsync(url)).Handle;

        var (retrying, _) = await stack.WaitForAsync(handle, r => r.Value("warningCount") == "1");
        Assert.Equal("FlushingOrigin", retrying.Value("status"));
        Assert.Contains($"origin-script: {url}: node1:6081 unreachable", retrying.Body, StringComparison.Ordinal);

        var (failed, seen) = await stack.WaitForStatusAsync(handle, "ERROR");

        Assert.Equal((4, 0), (origin.CallCount, cdn.CallCount));
        Assert.DoesNotContain("Done", seen);
        Assert.DoesNotContain("FlushingCdn", seen);
        Assert.Equal("1", failed.Value("errorCount"));
        Assert.Contains($"<code>0</code><reason>origin-script: {url}: node1:6081 unreachable: Connection refused</reason>", failed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CdnOwnEstimate_KeepsTheRequestFlushingCdnUntilItHasPassed()
    {
        var cdn = new ScriptedProvider("cdn-script", _ => PurgeOutcome.Succeeded("purgeId=p-1 supportId=s-1", estimatedSeconds: 2));
        await using var stack = await PurgeStack.StartAsync(Tiers("none", "cdn-script"), cdn);
        var handle = (await stack.AcceptAsync(stack.Url("a"))).Handle;

        await stack.WaitForAsync(handle, _ => cdn.CallCount == 1);
        var (settling, _) = await stack.WaitForAsync(handle, r => r.Value("status") == "FlushingCdn");
        Assert.InRange(int.Parse(settling.Value("estimatedSeconds"), System.Globalization.CultureInfo.InvariantCulture), 1, 2);
        await stack.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(5));
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal("purgeId=p-1 supportId=s-1", batch.Receipts);
    }

    [Fact]
    public async Task EstimatedSeconds_CountsTheBacklogAheadAtTheDrainRate_ReadAtMostOnceASecond()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?>
            {
                ["Purge:Workers"] = "0",
                ["Purge:AssumedUrlsPerSecond"] = "100",
            },
            clock);

        var first = await stack.AcceptAsync([.. Enumerable.Range(0, 1000).Select(i => stack.Url($"img-{i}"))]);
        var sameSecond = await stack.AcceptAsync(stack.Url("early"));
        clock.Advance(BacklogEstimatorRefresh);
        var nextSecond = await stack.AcceptAsync(stack.Url("late"));

        // Nothing was queued ahead of the first, and within the same second the figures are not
        // read again; a second later 1001 URLs are ahead of the last one, at 100 URLs/s.
        Assert.Equal(("1", "1", "11"), (first.Value("estimatedSeconds"), sameSecond.Value("estimatedSeconds"), nextSecond.Value("estimatedSeconds")));
    }

    [Fact]
    public async Task Lease_BatchOutlastingIt_IsRenewed_NotTakenOverByAnotherWorker()
    {
        var slow = new ScriptedProvider("origin-script", ScriptedProvider.Ok) { Delay = TimeSpan.FromSeconds(4) };
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?>(Tiers("origin-script", "none")) { ["Purge:Lease"] = "00:00:01.500", ["Purge:Workers"] = "3" },
            slow);
        var handle = (await stack.AcceptAsync(stack.Url("a"))).Handle;

        await stack.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(20));

        // Without renewal two more workers would have claimed it at 1.5 s and 3 s.
        Assert.Equal(1, slow.CallCount);
    }

    [Fact]
    public async Task Lease_LateResultFromAWorkerThatLostIt_IsRejected()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await stack.AcceptAsync(stack.Url("a"));

        await using var scope = stack.Server.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
        var first = await queue.ClaimAsync(CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await queue.ClaimAsync(CancellationToken.None));

        // The first worker stalls past its lease; another claims the batch.
        await stack.Server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE notification_batches SET next_attempt_at = now() - interval '1 second'"));
        var second = await queue.ClaimAsync(CancellationToken.None);
        Assert.Equal(first.Id, second?.Id);
        Assert.NotEqual(first.LeaseToken, second!.LeaseToken);

        Assert.False(await queue.CompleteAsync(first, null, CancellationToken.None));
        Assert.False(await queue.FailAsync(first, InvalidationStatus.Error, 1, "late", CancellationToken.None));
        Assert.True(await queue.CompleteAsync(second, null, CancellationToken.None));
        var batch = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal((InvalidationStatus.Done, (string?)null), (batch.Status, batch.LastError));
    }

    [Fact]
    public async Task BatchWhoseWorkersKeepStopping_EndsInError_InsteadOfLooping()
    {
        await using var api = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        var url = api.Url("poison");
        var handle = (await api.AcceptAsync(url)).Handle;

        // Two workers claim the batch and die with it (nothing written back; the lease runs out).
        for (var crash = 0; crash < 2; crash++)
        {
            await using var scope = api.Server.Services.CreateAsyncScope();
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<BatchQueue>().ClaimAsync(CancellationToken.None));
            await api.Server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE notification_batches SET next_attempt_at = now() - interval '1 second'"));
        }

        await using var workers = await PurgeStack.StartOnAsync(api.ConnectionString, new Dictionary<string, string?> { ["Purge:MaxUnfinishedClaims"] = "2" });
        var (failed, _) = await api.WaitForStatusAsync(handle, "ERROR");

        Assert.Contains($"<code>0</code><reason>ipsapi: {url}: 2 workers in a row stopped while purging this batch", failed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_WhileOtherClaimsAreUncommitted_TakesTheNextBatchAtOnce_NeverTheSameOne()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await stack.AcceptAsync([.. Enumerable.Range(0, 250).Select(i => stack.Url($"img-{i}"))]);

        // Four workers claim one after the other, each inside a transaction kept open until all
        // have claimed: every claim runs while the earlier ones still hold their batch's row lock.
        // A claim that waits for such a lock instead of passing over it would wait for ever;
        // it is given a few seconds.
        var workers = new List<AsyncServiceScope>();
        try
        {
            var claims = new List<NotificationBatch?>();
            for (var worker = 1; worker <= 4; worker++)
            {
                var scope = stack.Server.Services.CreateAsyncScope();
                workers.Add(scope);
                await scope.ServiceProvider.GetRequiredService<IpsDbContext>().Database.BeginTransactionAsync();
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    claims.Add(await scope.ServiceProvider.GetRequiredService<BatchQueue>().ClaimAsync(bounded.Token));
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"claim {worker} waited for a batch an uncommitted claim holds instead of taking the next one");
                }
            }

            foreach (var scope in workers)
            {
                await scope.ServiceProvider.GetRequiredService<IpsDbContext>().Database.CommitTransactionAsync();
            }

            var batches = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().OrderBy(b => b.Id).ToListAsync());
            Assert.Equal(3, batches.Count);
            Assert.Null(claims[3]);
            Assert.Equal(batches.Select(b => b.Id), claims.Take(3).Select(c => c!.Id).Order());
            Assert.Equal(claims.Take(3).OrderBy(c => c!.Id).Select(c => (c!.LeaseToken, 1)), batches.Select(b => (b.LeaseToken, b.UnfinishedClaims)));
        }
        finally
        {
            foreach (var scope in workers)
            {
                await scope.DisposeAsync();
            }
        }
    }

    /// <summary>How long the estimator keeps the queue figures it read.</summary>
    private static readonly TimeSpan BacklogEstimatorRefresh = TimeSpan.FromSeconds(1);

    private static Dictionary<string, string?> Tiers(string origin, string cdn) => new() { ["Purge:Origin"] = origin, ["Purge:Cdn"] = cdn };
}
