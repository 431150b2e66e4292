using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Purge;

/// <summary>
/// Retrying a request that ended ERROR_CDN_NODE: only its failed batches go back to the queue, only the
/// providers that failed are called again, the same handle reports the new progress, and the retry is audited.
/// </summary>
public sealed class RetryTests
{
    [Fact]
    public async Task FailedRequest_Retried_ReachesDoneUnderTheSameHandle_CallingOnlyTheFailedProvider()
    {
        var origin = new ScriptedProvider("origin-script", ScriptedProvider.Ok);
        // The CDN refuses the second batch (b-0, b-1) for good the first time, and takes every other call.
        var refusals = 0;
        var cdn = new ScriptedProvider("cdn-script", urls =>
            urls.Any(u => u.Canonical.EndsWith("/b-0", StringComparison.Ordinal)) && Interlocked.Increment(ref refusals) == 1
                ? PurgeOutcome.Permanent(PurgeOutcome.All(urls, 403, "Forbidden: not authorized to purge this host"))
                : PurgeOutcome.Succeeded());
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?> { ["Purge:Origin"] = "origin-script", ["Purge:Cdn"] = "cdn-script", ["Invalidation:BatchSize"] = "2" },
            origin, cdn);
        var urls = new[] { stack.Url("a-0"), stack.Url("a-1"), stack.Url("b-0"), stack.Url("b-1") };
        var handle = (await stack.AcceptAsync(urls)).Handle;
        await stack.WaitForStatusAsync(handle, InvalidationStatus.ErrorCdnNode);
        var originCalls = origin.CallCount;
        var cdnCalls = cdn.CallCount;

        var retried = await RetryAsync(stack, handle);
        await stack.WaitForStatusAsync(handle, InvalidationStatus.Done);

        Assert.Equal((handle, 1, 2, 4), (retried.InvalidationHandle, retried.Batches, retried.RetriedUrls, retried.UrlCount));
        Assert.Equal(originCalls, origin.CallCount);
        Assert.Equal(cdnCalls + 1, cdn.CallCount);
        Assert.Equal([stack.Url("b-0"), stack.Url("b-1")], cdn.Calls[^1]);
        var audit = await stack.Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([AuditActions.Submit, AuditActions.Retry], audit.Select(a => a.Action));
        Assert.Equal(("1 failed batch(es), 2 URL(s)", "cli:tester"), (audit[1].Detail, audit[1].UserEmail));
        var request = await stack.Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync());
        Assert.Equal(0, request.OpenBatches);
    }

    [Fact]
    public async Task RequestStillInProgressOrDone_IsNotRetried_AndAForeignHandleGets20000()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        var pending = (await stack.AcceptAsync(stack.Url("a"))).Handle;

        var inProgress = await Assert.ThrowsAsync<IpsFaultException>(() => RetryAsync(stack, pending));
        var forged = await Assert.ThrowsAsync<IpsFaultException>(() => RetryAsync(stack, pending[..^1] + (pending[^1] == 'A' ? 'B' : 'A')));
        await stack.Server.WithDbAsync(db => db.NotificationBatches.ExecuteUpdateAsync(set => set.SetProperty(b => b.Status, InvalidationStatus.Done)));
        var done = await Assert.ThrowsAsync<IpsFaultException>(() => RetryAsync(stack, pending));

        Assert.Equal((FaultCodes.InvalidParameter, $"Invalidation {pending} is still in progress; only a request that ended ERROR or ERROR_CDN_NODE can be retried."), (inProgress.Fault.Code, inProgress.Fault.Reason));
        Assert.Equal(FaultCodes.InvalidCompany, forged.Fault.Code);
        Assert.Equal($"Invalidation {pending} is Done; there is nothing to retry.", done.Fault.Reason);
        Assert.Single(await stack.Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().ToListAsync()));
    }

    private static async Task<InvalidationRetried> RetryAsync(PurgeStack stack, string handle)
    {
        await using var scope = stack.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InvalidationService>().RetryAsync(Caller.Operator("tester"), handle, CancellationToken.None);
    }
}
