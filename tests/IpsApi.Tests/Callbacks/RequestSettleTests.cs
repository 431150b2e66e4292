using IpsApi.Core.Callbacks;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Purge.Queue;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IpsApi.Tests.Callbacks;

/// <summary>
/// A request settles when its last open batch does (<c>Done</c>, <c>ERROR</c>, <c>ERROR_CDN_NODE</c>): the write
/// that takes <c>open_batches</c> to 0 enqueues the callback, in its own transaction, and exactly one write does.
/// </summary>
public sealed class RequestSettleTests
{
    [Fact]
    public async Task LastTwoBatchesSettlingAtTheSameMoment_EnqueueExactlyOneCallback()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await SetCallbackAsync(stack);
        await stack.AcceptAsync([.. Enumerable.Range(0, 150).Select(i => stack.Url($"img-{i}"))]);
        await using var first = stack.Server.Services.CreateAsyncScope();
        await using var second = stack.Server.Services.CreateAsyncScope();
        var queueA = first.ServiceProvider.GetRequiredService<BatchQueue>();
        var queueB = second.ServiceProvider.GetRequiredService<BatchQueue>();
        var batchA = (await queueA.ClaimAsync(CancellationToken.None))!;
        var batchB = (await queueB.ClaimAsync(CancellationToken.None))!;
        Assert.Equal(batchA.RequestId, batchB.RequestId);

        // Hold the request's row so that both settling writes are in flight (their batches written, their
        // transactions open) before either can decrement; then let them go together.
        await using var holder = new NpgsqlConnection(stack.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM invalidation_requests WHERE id = @id FOR UPDATE", holder, hold))
        {
            lockRow.Parameters.AddWithValue("id", batchA.RequestId);
            await lockRow.ExecuteScalarAsync();
        }

        var completing = queueA.CompleteAsync(batchA, null, CancellationToken.None);
        var failing = queueB.FailAsync(batchB, InvalidationStatus.ErrorCdnNode, 1, "404\tcdn\thttps://x.test/a\tNot Found", CancellationToken.None);
        await WaitForLockWaitersAsync(stack.ConnectionString, 2);
        await hold.CommitAsync();

        var settled = await Task.WhenAll(completing, failing);
        Assert.Equal([true, true], settled);
        var request = await stack.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync());
        var jobs = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().ToListAsync());
        Assert.Equal(0, request.OpenBatches);
        var job = Assert.Single(jobs);
        Assert.Equal((FollowUpKinds.Callback, (long?)request.Id, (long?)null), (job.Kind, job.RequestId, job.BatchId));
        Assert.NotNull(CallbackPayload.DeliveryId(job.Payload));
    }

    [Fact]
    public async Task SettlingWriteThatLostItsLease_DecrementsNothing_AndEnqueuesNothing()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await SetCallbackAsync(stack);
        await stack.AcceptAsync(stack.Url("a"));
        await using var scope = stack.Server.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
        var batch = (await queue.ClaimAsync(CancellationToken.None))!;

        // Another worker took the batch over meanwhile.
        await stack.Server.WithDbAsync(db => db.NotificationBatches.ExecuteUpdateAsync(set => set.SetProperty(b => b.LeaseToken, Guid.NewGuid())));

        Assert.False(await queue.FailAsync(batch, InvalidationStatus.Error, 1, "0\tx\thttps://x.test/a\tgone", CancellationToken.None));
        Assert.False(await queue.CompleteAsync(batch, null, CancellationToken.None));
        Assert.Equal(1, (await stack.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync())).OpenBatches);
        Assert.Equal(0, await stack.Server.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task RequestOfACompanyWithoutCallback_SettlesWithoutAJob()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        var handle = (await stack.AcceptAsync(stack.Url("a"), stack.Url("b"))).Handle;

        await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal(0, (await stack.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync())).OpenBatches);
        Assert.Equal(0, await stack.Server.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task CdnStillSpreadingThePurge_MakesTheCallbackDueOnlyWhenItHasSpread()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await SetCallbackAsync(stack);
        await stack.AcceptAsync([.. Enumerable.Range(0, 150).Select(i => stack.Url($"img-{i}"))]);
        await using var scope = stack.Server.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
        var spreadBy = DateTimeOffset.UtcNow.AddMinutes(5);

        // The first batch to settle carries the CDN's estimate; the callback follows the last one, but waits for it.
        Assert.True(await queue.CompleteAsync((await queue.ClaimAsync(CancellationToken.None))!, spreadBy, CancellationToken.None));
        Assert.True(await queue.CompleteAsync((await queue.ClaimAsync(CancellationToken.None))!, null, CancellationToken.None));

        var job = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync());
        Assert.Equal(spreadBy.ToUnixTimeMilliseconds(), job.NextAttemptAt.ToUnixTimeMilliseconds());
    }

    private static Task<int> SetCallbackAsync(PurgeStack stack) =>
        stack.Server.WithDbAsync(db => db.Companies.Where(c => c.Id == stack.Company.Id).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.CallbackUrl, "http://127.0.0.1:9/hook")
            .SetProperty(c => c.CallbackSecret, CallbackSecrets.Generate())));

    /// <summary>Waits until <paramref name="count"/> sessions of the database wait for a lock (a signal from PostgreSQL, not a guess at time).</summary>
    private static async Task WaitForLockWaitersAsync(string connectionString, int count)
    {
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((long)(await query.ExecuteScalarAsync())! < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} settling writes ever waited for the request's row");
            await Task.Delay(10);
        }
    }
}
