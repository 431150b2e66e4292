using IpsApi.Core.Jobs;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Jobs;

/// <summary>
/// The follow-up job queue on PostgreSQL: each kind's handler does its jobs, retried on the kind's own
/// schedule, under a lease, on workers of their own beside the purge workers.
/// </summary>
public sealed class JobQueueTests
{
    private static readonly Dictionary<string, string?> QuickJobs = new()
    {
        ["Jobs:Workers"] = "2",
        ["Jobs:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task Job_IsDoneByItsKindsHandler_WithWhatItDidRecorded()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Done("did the thing"));
        await using var stack = await StartAsync(handler);

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal((JobStatus.Done, "did the thing", 0, (string?)null), (job.Status, job.Result, job.Attempt, job.LastError));
        Assert.Null(job.LeaseToken);
        Assert.NotNull(job.CompletedAt);
        Assert.Equal(1, handler.RunCount);
    }

    [Fact]
    public async Task FailingJob_IsRetriedOnItsKindsSchedule_ThenDone()
    {
        var handler = new ScriptedJobHandler(
            "test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Retry("451 try later"), _ => JobOutcome.Retry("451 try later"), _ => JobOutcome.Done("sent"));
        await using var stack = await StartAsync(handler);

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal((JobStatus.Done, 2, "sent"), (job.Status, job.Attempt, job.Result));
        Assert.Equal(3, handler.RunCount);
        // The schedule's first delay is 100 ms, the second 200 ms, each with up to half taken off as jitter.
        Assert.All(handler.Gaps.Zip([50, 100]), g => Assert.True(g.First >= TimeSpan.FromMilliseconds(g.Second), $"gap {g.First} < {g.Second} ms"));
    }

    [Fact]
    public async Task JobOutOfAttempts_Fails_WithTheLastReason()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(maxAttempts: 3), _ => JobOutcome.Retry("connection refused"));
        await using var stack = await StartAsync(handler);

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal((JobStatus.Failed, 3, "gave up after 3 attempts: connection refused"), (job.Status, job.Attempt, job.LastError));
        Assert.Equal(3, handler.RunCount);
    }

    [Fact]
    public async Task PermanentFailure_FailsAtOnce()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Fail("550 no such mailbox"));
        await using var stack = await StartAsync(handler);

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal((JobStatus.Failed, 1, "550 no such mailbox"), (job.Status, job.Attempt, job.LastError));
        Assert.Equal(1, handler.RunCount);
    }

    [Fact]
    public async Task HandlerThatThrows_IsRetried()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => throw new InvalidOperationException("boom"), _ => JobOutcome.Done("ok"));
        await using var stack = await StartAsync(handler);

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal((JobStatus.Done, 1), (job.Status, job.Attempt));
    }

    [Fact]
    public async Task JobOfAKindThisProcessCannotDo_IsLeftPendingForOneThatCan()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Done("ok"));
        await using var stack = await StartAsync(handler);

        var foreign = await EnqueueAsync(stack, "other-kind");
        var known = await EnqueueAsync(stack, "test-kind");
        await WaitForAsync(stack, known, j => j.Status == JobStatus.Done);

        var left = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == foreign));
        Assert.Equal((JobStatus.Pending, 0, 0, (Guid?)null), (left.Status, left.Attempt, left.UnfinishedClaims, left.LeaseToken));
    }

    [Fact]
    public async Task JobOutlastingItsLease_IsRenewed_AndRunOnce()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Done("ok")) { Delay = TimeSpan.FromSeconds(3) };
        await using var stack = await StartAsync(handler, ("Jobs:Lease", "00:00:01.500"));

        var id = await EnqueueAsync(stack, "test-kind");
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending, TimeSpan.FromSeconds(20));

        Assert.Equal(JobStatus.Done, job.Status);
        Assert.Equal(1, handler.RunCount);
    }

    [Fact]
    public async Task JobWhoseWorkersKeepDying_FailsInsteadOfLooping()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Done("ok"));
        await using var stack = await StartAsync(handler, ("Jobs:MaxUnfinishedClaims", "2"));

        var id = await EnqueueAsync(stack, "test-kind", unfinishedClaims: 2);
        var job = await WaitForAsync(stack, id, j => j.Status != JobStatus.Pending);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("2 workers in a row stopped while doing this job; not taken up again", job.LastError);
        Assert.Equal(0, handler.RunCount);
    }

    [Fact]
    public async Task SlowJob_DoesNotHoldUpAPurge()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Done("ok"));
        handler.Hold();
        await using var stack = await StartAsync(handler, ("Purge:Workers", "1"), ("Jobs:Workers", "1"));
        var id = await EnqueueAsync(stack, "test-kind");
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var handle = (await stack.AcceptAsync(stack.Url("a"))).Handle;
        await stack.WaitForStatusAsync(handle, "Done");

        Assert.Equal(JobStatus.Pending, (await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id))).Status);
        handler.Release();
        await WaitForAsync(stack, id, j => j.Status == JobStatus.Done);
    }

    [Fact]
    public async Task OnTheEmbeddedStore_AJobIsDoneByItsHandler_AndAnotherKindLeftPending()
    {
        var handler = new ScriptedJobHandler("test-kind", ScriptedJobHandler.Quick(), _ => JobOutcome.Retry("busy"), _ => JobOutcome.Done("ok"));
        var directory = Directory.CreateTempSubdirectory("ipsapi-jobs-").FullName;
        try
        {
            await using var server = await TestServer.StartAsync(
                new Dictionary<string, string?>(QuickJobs) { ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(directory, "ipsapi.db")}" },
                services => services.AddSingleton<IJobHandler>(handler));
            var company = await server.AddCompanyAsync();
            var ids = await server.WithDbAsync(async db =>
            {
                var now = DateTimeOffset.UtcNow;
                var jobs = new[] { "other-kind", "test-kind" }.Select(kind => new Job { Kind = kind, CompanyId = company.Id, CreatedAt = now, NextAttemptAt = now }).ToList();
                db.Jobs.AddRange(jobs);
                await db.SaveChangesAsync();
                return jobs.Select(j => j.Id).ToList();
            });

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            List<Job> jobs;
            do
            {
                Assert.True(DateTime.UtcNow < deadline, "the job was not done in time");
                await Task.Delay(25);
                jobs = await server.WithDbAsync(db => db.Jobs.AsNoTracking().OrderBy(j => j.Id).ToListAsync());
            }
            while (jobs[1].Status == JobStatus.Pending);

            Assert.Equal((JobStatus.Done, 1, "ok"), (jobs[1].Status, jobs[1].Attempt, jobs[1].Result));
            Assert.Equal((JobStatus.Pending, 0), (jobs[0].Status, jobs[0].UnfinishedClaims));
            Assert.Equal(ids, jobs.Select(j => j.Id));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task<PurgeStack> StartAsync(ScriptedJobHandler handler, params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>(QuickJobs);
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return PurgeStack.StartWithAsync(configuration, services => services.AddSingleton<IJobHandler>(handler));
    }

    private static Task<long> EnqueueAsync(PurgeStack stack, string kind, int unfinishedClaims = 0) =>
        stack.Server.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var job = new Job { Kind = kind, CompanyId = stack.Company.Id, CreatedAt = now, NextAttemptAt = now, UnfinishedClaims = unfinishedClaims };
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
            return job.Id;
        });

    private static async Task<Job> WaitForAsync(PurgeStack stack, long id, Func<Job, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var job = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));
            if (condition(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} still {job.Status} (attempt {job.Attempt}, last error {job.LastError})");
            await Task.Delay(25);
        }
    }
}
