using System.Text.Json;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Cli;

/// <summary>
/// <c>ipsapi queue stats</c> and <c>queue list</c> on PostgreSQL, with every state made by real work: a batch a provider
/// refused (failed), one it could not purge yet (retrying an hour later), one held by the only worker (leased), and one
/// waiting behind it (due).
/// </summary>
public sealed class QueueCommandTests
{
    [Fact]
    public async Task StatsAndList_ShowBatchesInEveryState_AsMadeByWorkers()
    {
        var provider = new ByUrlProvider();
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?>
            {
                ["Purge:Origin"] = ByUrlProvider.ProviderName,
                ["Purge:Cdn"] = "none",
                ["Purge:Workers"] = "1",
                ["Purge:RetryBaseDelay"] = "01:00:00",
                ["Purge:RetryMaxDelay"] = "01:00:00",
            },
            provider);
        try
        {
            var failed = (await stack.AcceptAsync(stack.Url("refused.jpg"))).Handle;
            await stack.WaitForAsync(failed, reply => reply.Body.Contains(InvalidationStatus.Error, StringComparison.Ordinal));
            await stack.AcceptAsync(stack.Url("later.jpg"));
            await WaitForBatchAsync(stack, b => b.Attempt == 1);
            await stack.AcceptAsync(stack.Url("hold.jpg"));
            await provider.Held.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await stack.AcceptAsync(stack.Url("waiting.jpg"));
            using var cli = new IpsApiProcess(new Dictionary<string, string?>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__IpsApi"] = stack.ConnectionString,
            });

            var stats = await cli.RunAsync(null, "queue", "stats", "--json");
            var table = await cli.RunAsync(null, "queue", "stats");
            var list = await cli.RunAsync(null, "queue", "list");
            var onlyFailed = await cli.RunAsync(null, "queue", "list", "--state", "failed", "--kind", "purge");
            var one = await cli.RunAsync(null, "queue", "list", "--limit", "1");

            Assert.True(stats.ExitCode == 0, stats.Err);
            using var json = JsonDocument.Parse(stats.Out);
            var purge = json.RootElement.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "purge");
            Assert.Equal(
                (1, 1, 0, 1, 1, 1),
                (purge.GetProperty("due").GetInt32(), purge.GetProperty("retrying").GetInt32(), purge.GetProperty("scheduled").GetInt32(),
                 purge.GetProperty("leased").GetInt32(), purge.GetProperty("failed").GetInt32(), purge.GetProperty("settledLastMinute").GetInt32()));
            Assert.True(purge.GetProperty("oldestDueSeconds").GetDouble() >= 0);
            Assert.Equal(1, json.RootElement.GetProperty("failuresLastHour").GetProperty(ByUrlProvider.ProviderName).GetInt32());

            Assert.Equal(0, table.ExitCode);
            Assert.Matches(@"(?m)^KIND\s+DUE\s+RETRYING\s+SCHEDULED\s+LEASED\s+FAILED\s+OLDEST DUE\s+SETTLED/MIN$", table.Out);
            // The counts as in the JSON; the age and the last minute's count move between the two runs.
            Assert.Matches(@"(?m)^purge\s+1\s+1\s+0\s+1\s+1\s+\d+(\.\d)? (s|min|h)\s+\d+$", table.Out);
            Assert.Contains($"failures in the last hour: {ByUrlProvider.ProviderName} 1", table.Out, StringComparison.Ordinal);

            Assert.Equal(0, list.ExitCode);
            var states = list.Out.TrimEnd().Split('\n').Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[4]);
            Assert.Equal(["leased", "due", "retrying", "failed"], states);
            Assert.Contains("transient: no answer yet", list.Out, StringComparison.Ordinal);

            var failedLine = Assert.Single(onlyFailed.Out.TrimEnd().Split('\n').Skip(1));
            Assert.StartsWith("purge  ", failedLine, StringComparison.Ordinal);
            Assert.Contains($"{ByUrlProvider.ProviderName}: {stack.Url("refused.jpg")}: refused for good", failedLine, StringComparison.Ordinal);
            Assert.Equal(2, one.Out.TrimEnd().Split('\n').Length);
        }
        finally
        {
            provider.Release.TrySetResult();
        }
    }

    [Theory]
    [InlineData("queue list --limit 0", "--limit must be from 1 to 1000")]
    [InlineData("queue list --limit 1001", "--limit must be from 1 to 1000")]
    [InlineData("queue list --state stuck", "'stuck'")]
    public Task BadArguments_ExitTwoWithOneLine(string arguments, string mentions)
        => CliAssert.RefusedAsBadArgumentsAsync(arguments, mentions);

    [Fact]
    public async Task List_TakesTheLargestLimit_OnAnEmptyQueue()
    {
        using var cli = new IpsApiProcess();
        Assert.Equal(0, (await cli.RunAsync(null, "migrate")).ExitCode);

        var (exitCode, output, error) = await cli.RunAsync(null, "queue", "list", "--limit", "1000");

        Assert.True(exitCode == 0, error);
        Assert.Equal("KIND  ID  COMPANY  REQUEST  STATE  ATTEMPT  NEXT ATTEMPT  LAST ERROR", output.TrimEnd());
    }

    private static async Task WaitForBatchAsync(PurgeStack stack, Func<NotificationBatch, bool> reached)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(await stack.Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().ToListAsync())).Any(reached))
        {
            Assert.True(DateTime.UtcNow < deadline, "no batch reached the state awaited");
            await Task.Delay(25);
        }
    }

    /// <summary>Refuses <c>refused</c> URLs for good, fails <c>later</c> ones for now, holds <c>hold</c> ones until released, purges the rest.</summary>
    private sealed class ByUrlProvider : IPurgeProvider
    {
        public const string ProviderName = "by-url";

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => ProviderName;

        public int EstimatedSeconds => 0;

        public async Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
        {
            var url = targets[0].Url;
            if (url.Contains("refused", StringComparison.Ordinal))
            {
                return PurgeOutcome.Permanent(PurgeOutcome.All(targets, 403, "refused for good"));
            }

            if (url.Contains("later", StringComparison.Ordinal))
            {
                return PurgeOutcome.Transient(PurgeOutcome.All(targets, 503, "transient: no answer yet"));
            }

            if (url.Contains("hold", StringComparison.Ordinal))
            {
                Held.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            return PurgeOutcome.Succeeded();
        }

        public string? WholeCacheRefusal(Company company) => null;

        public Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken) => Task.FromResult(PurgeOutcome.Succeeded());
    }
}
