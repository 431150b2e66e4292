using System.Text.RegularExpressions;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace IpsApi.Tests.Purge;

/// <summary>
/// What an accepted request survives: several worker processes on one database, a worker
/// killed mid-batch, an orderly stop, a PostgreSQL restart. Workers run as real <c>ipsapi</c>
/// processes where the test is about processes; the purges go to a recording Varnish stand-in.
/// </summary>
public sealed partial class DurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PurgeRecorder recorder = null!;

    public async Task InitializeAsync() => recorder = await PurgeRecorder.StartAsync();

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    [Fact]
    public async Task TwoWorkerProcesses_DrainOneQueueTogether_EveryUrlPurgedOnce_NoBatchCompletedTwice()
    {
        await using var api = await ApiOnlyAsync();
        recorder.Delay = TimeSpan.FromMilliseconds(5);

        // A long poll interval: the workers can only be this quick if NOTIFY wakes them.
        // A lease no batch here can outlast even on a loaded machine: exactly-once is the claim under test.
        var settings = Workers(("Purge:PollInterval", "00:00:30"), ("Purge:Lease", "00:01:00"));
        await using var first = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");
        await using var second = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");

        var urls = new List<string>();
        var handles = new List<string>();
        for (var request = 0; request < 20; request++)
        {
            var batch = Enumerable.Range(0, 100).Select(i => api.Url($"r{request}/img-{i}")).ToArray();
            urls.AddRange(batch);
            handles.Add((await api.AcceptAsync(batch)).Handle);
        }

        foreach (var handle in handles)
        {
            await api.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(25));
        }

        // The log line follows the database write; give the output a moment to catch up.
        for (var wait = 0; wait < 100 && DoneBatches(first.Output).Count + DoneBatches(second.Output).Count < 20; wait++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2000, recorder.Total);
        Assert.All(urls, url => Assert.Equal(1, recorder.Count(url["https://".Length..])));
        var firstDone = DoneBatches(first.Output);
        var secondDone = DoneBatches(second.Output);
        Assert.NotEmpty(firstDone);
        Assert.NotEmpty(secondDone);
        Assert.Equal(20, firstDone.Concat(secondDone).Distinct().Count());
        Assert.Equal(20, firstDone.Count + secondDone.Count);
    }

    [Fact]
    public async Task WorkerKilledMidBatch_AnotherWorkerResumesItWithinTheDefaultLease_AndCompletesIt()
    {
        await using var api = await ApiOnlyAsync();
        recorder.Hold();

        // The default lease and poll interval: how long a batch waits after its worker died is the claim under test.
        var settings = Workers(("Purge:Workers", "1"));
        settings.Remove("Purge:Lease");
        settings.Remove("Purge:PollInterval");
        await using var doomed = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");
        var urls = Enumerable.Range(0, 10).Select(i => api.Url($"img-{i}")).ToArray();
        var handle = (await api.AcceptAsync(urls)).Handle;
        await recorder.WaitForInFlightAsync(TimeSpan.FromSeconds(10));
        // Started before the kill, so that the time measured is the batch's wait, not a process start.
        await using var survivor = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");

        await doomed.KillAsync();
        var killed = System.Diagnostics.Stopwatch.StartNew();
        recorder.Release();
        Assert.Equal("FlushingOrigin", (await api.StatusAsync(handle)).Value("status"));
        var (done, seen) = await api.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(30));
        var recovery = killed.Elapsed;

        output.WriteLine($"kill -9 to Done with the default Purge:Lease ({new PurgeOptions().Lease.TotalSeconds} s): {recovery.TotalSeconds:0.0} s");
        var defaults = new PurgeOptions();
        Assert.InRange(recovery, TimeSpan.Zero, defaults.Lease + defaults.PollInterval + TimeSpan.FromSeconds(3));
        await survivor.WaitForOutputAsync(" done: ", TimeSpan.FromSeconds(5));
        Assert.Equal("10", done.Value("successCount"));
        Assert.DoesNotContain("ERROR", seen);
        Assert.Single(DoneBatches(survivor.Output));
        Assert.Empty(DoneBatches(doomed.Output));

        // At least once: a purge the dead worker had already sent may have reached the node too.
        Assert.All(urls, url => Assert.InRange(recorder.Count(url["https://".Length..]), 1, 2));
    }

    [Fact]
    public async Task Sigterm_InFlightBatchFinishes_BeforeTheProcessExits()
    {
        await using var api = await ApiOnlyAsync();
        recorder.Delay = TimeSpan.FromSeconds(1.5);
        await using var worker = await IpsApiServer.StartAsync(api.ConnectionString, Workers(("Purge:Workers", "1")), "worker");
        var handle = (await api.AcceptAsync(api.Url("a"), api.Url("b"))).Handle;
        await recorder.WaitForInFlightAsync(TimeSpan.FromSeconds(10));

        var exitCode = await worker.TerminateAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, exitCode);
        Assert.Equal("Done", (await api.StatusAsync(handle)).Value("status"));
        Assert.Single(DoneBatches(worker.Output));
        Assert.Contains("Purge workers stopped", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_BatchOutlastingTheDrainTimeout_IsReleasedAtOnceForAnotherWorker()
    {
        await using var api = await ApiOnlyAsync();
        recorder.Hold();
        var settings = Workers(("Purge:Workers", "1"), ("Purge:DrainTimeout", "00:00:01"), ("Purge:Lease", "00:10:00"));
        await using var stopping = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");
        var handle = (await api.AcceptAsync(api.Url("a"))).Handle;
        await recorder.WaitForInFlightAsync(TimeSpan.FromSeconds(10));

        var exitCode = await stopping.TerminateAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        Assert.Contains("released on shutdown", stopping.Output, StringComparison.Ordinal);
        var batch = await api.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync());
        Assert.Equal((InvalidationStatus.FlushingOrigin, (Guid?)null, 0), (batch.Status, batch.LeaseToken, batch.Attempt));
        Assert.True(batch.NextAttemptAt <= DateTimeOffset.UtcNow, "a released batch is due at once, not after its 10-minute lease");

        recorder.Release();
        await using var next = await IpsApiServer.StartAsync(api.ConnectionString, settings, "worker");
        await api.WaitForStatusAsync(handle, "Done", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task PostgresRestart_WorkersReconnectAndDrain_WithoutAManualStep()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var stack = await PurgeStack.StartOnAsync(cluster.ConnectionString, new Dictionary<string, string?>(Workers()));
        var before = (await stack.AcceptAsync(stack.Url("before"))).Handle;
        await stack.WaitForStatusAsync(before, "Done");

        recorder.Hold();
        var during = (await stack.AcceptAsync(stack.Url("during"))).Handle;
        await recorder.WaitForInFlightAsync(TimeSpan.FromSeconds(10));
        await cluster.StopAsync();
        recorder.Release();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await cluster.RestartAsync();

        await stack.WaitForStatusAsync(during, "Done", TimeSpan.FromSeconds(30));
        var after = (await stack.AcceptAsync(stack.Url("after"))).Handle;
        await stack.WaitForStatusAsync(after, "Done", TimeSpan.FromSeconds(15));
    }

    private static List<string> DoneBatches(string output) => [.. DoneLine().Matches(output).Select(m => m.Groups[1].Value)];

    private static Task<PurgeStack> ApiOnlyAsync() => PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });

    private Dictionary<string, string?> Workers(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Purge:Varnish:Nodes:0"] = recorder.Address.ToString(),
            ["Purge:Workers"] = "2",
            ["Purge:Lease"] = "00:00:03",
            ["Purge:PollInterval"] = "00:00:00.100",
            ["Purge:RetryBaseDelay"] = "00:00:00.100",
            ["Purge:RetryMaxDelay"] = "00:00:00.500",
            ["Purge:MaxAttempts"] = "100",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    [GeneratedRegex(@"Batch (\d+) of request \d+ done")]
    private static partial Regex DoneLine();
}
