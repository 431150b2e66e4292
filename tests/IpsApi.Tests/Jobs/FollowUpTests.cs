using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Queue;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Jobs;

/// <summary>
/// Follow-up jobs are enqueued in the same transaction as the write that settles a batch (an outbox):
/// one confirmation-mail job per batch that reached <c>Done</c> of a request that asked for mail.
/// </summary>
public sealed class FollowUpTests
{
    private const string Confirm = "<ns:emailConfirmation><ns:ccOriginator>true</ns:ccOriginator></ns:emailConfirmation>";

    [Fact]
    public async Task RequestAskingForMail_GetsOneMailJobPerBatch_WhenEachBatchIsDone()
    {
        var mail = new ScriptedJobHandler(FollowUpKinds.Mail, ScriptedJobHandler.Quick(), _ => JobOutcome.Done("sent"));
        await using var stack = await PurgeStack.StartWithAsync(new Dictionary<string, string?>(), services => services.AddSingleton<IJobHandler>(mail));
        var urls = Enumerable.Range(0, 250).Select(i => stack.Url($"img-{i}")).ToArray();
        var handle = await AcceptAsync(stack, urls, Confirm);

        await stack.WaitForStatusAsync(handle, "Done");
        var jobs = await stack.WaitForJobsAsync(3, JobStatus.Done, TimeSpan.FromSeconds(20));

        var batches = await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().OrderBy(b => b.Sequence).ToListAsync());
        Assert.Equal(batches.Select(b => (long?)b.Id), jobs.Select(j => j.BatchId).Order());
        Assert.All(jobs, j => Assert.Equal((FollowUpKinds.Mail, batches[0].RequestId, stack.Company.Id), (j.Kind, j.RequestId!.Value, j.CompanyId)));
        Assert.All(jobs, j => Assert.True(j.CreatedAt >= batches.Single(b => b.Id == j.BatchId).CompletedAt, "a mail job exists only once its batch is Done"));
        Assert.Equal(3, mail.RunCount);
    }

    [Fact]
    public async Task RequestWithoutEmailConfirmation_GetsNoJob()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>());
        var handle = await AcceptAsync(stack, [stack.Url("a")], "");

        await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal(0, await stack.Server.WithDbAsync(db => db.Jobs.CountAsync()));
        Assert.Empty((await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync())).FollowUps);
    }

    [Fact]
    public async Task BatchWhoseLeaseWasLost_EnqueuesNothing()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await AcceptAsync(stack, [stack.Url("a")], Confirm);
        await using var scope = stack.Server.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
        var batch = await queue.ClaimAsync(CancellationToken.None);
        Assert.NotNull(batch);
        Assert.Equal([FollowUpKinds.Mail], batch.FollowUps);

        // Another worker took the batch over meanwhile.
        await stack.Server.WithDbAsync(db => db.NotificationBatches.ExecuteUpdateAsync(set => set.SetProperty(b => b.LeaseToken, Guid.NewGuid())));
        var completed = await queue.CompleteAsync(batch, null, CancellationToken.None);

        Assert.False(completed);
        Assert.Equal(0, await stack.Server.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task CdnStillSpreadingThePurge_MakesTheMailDueOnlyWhenItHasSpread()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        await AcceptAsync(stack, [stack.Url("a")], Confirm);
        await using var scope = stack.Server.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
        var batch = (await queue.ClaimAsync(CancellationToken.None))!;
        var settlesAt = DateTimeOffset.UtcNow.AddMinutes(5);

        Assert.True(await queue.CompleteAsync(batch, settlesAt, CancellationToken.None));

        var job = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync());
        Assert.Equal(settlesAt.ToUnixTimeMilliseconds(), job.NextAttemptAt.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task BatchesStoredBeforeFollowUps_HaveNone(DatabaseProvider provider)
    {
        await using var store = await MigrationStore.CreateAsync(provider);
        await store.MigrateToAsync("Jobs");
        await store.ExecuteAsync($"INSERT INTO companies (id, name, root_id, publish_hosts, created_at) VALUES (1, 'A', 'Example', {store.Hosts}, {store.Now})");
        await store.ExecuteAsync($"INSERT INTO users (id, email, password_hash, role, created_at) VALUES (1, 'a@example.test', 'x', 'IpsAdmin', {store.Now})");
        await store.ExecuteAsync("INSERT INTO invalidation_requests (id, company_id, token, url_count, estimated_seconds, created_at, user_id, email_cc_originator, email_others) "
            + $"VALUES (1, 1, 'AAAAAAAAAAAAAAAAAAAAAA', 1, 0, {store.Now}, 1, {(provider == DatabaseProvider.Postgres ? "true" : "1")}, {store.List()})");
        await store.ExecuteAsync("INSERT INTO notification_batches (id, request_id, company_id, sequence, urls, targets, url_count, status, attempt, unfinished_claims, next_attempt_at, done_providers) "
            + $"VALUES (1, 1, 1, 0, {store.List("https://images.example.test/is/image/Example/a")}, {store.List()}, 1, 'Received', 0, 0, {store.Now}, {store.List()})");

        await store.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Empty((await store.Db.NotificationBatches.AsNoTracking().SingleAsync()).FollowUps);
    }

    private static async Task<string> AcceptAsync(PurgeStack stack, string[] urls, string extraParams)
    {
        var reply = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), stack.Company.Handle, urls, extraParams));
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        return reply.Handle;
    }
}
