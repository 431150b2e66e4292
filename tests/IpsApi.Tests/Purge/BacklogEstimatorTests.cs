using IpsApi.Core.Purge.Queue;
using IpsApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Purge;

/// <summary>
/// How often <c>estimatedSeconds</c> reads the queue figures, with figures under the test's control. The figures' own
/// SQL is covered by <see cref="PurgePipelineTests.EstimatedSeconds_CountsTheBacklogAheadAtTheDrainRate_ReadAtMostOnceASecond"/>.
/// </summary>
public sealed class BacklogEstimatorTests
{
    /// <summary>At 100 URLs/s (no drain measured), 1000 URLs queued ahead of one more make 10.01 s, quoted as 11.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Purge:Workers"] = "0",
        ["Purge:AssumedUrlsPerSecond"] = "100",
    };

    [Fact]
    public async Task ReadUnderWay_OtherAcceptsQuoteThePreviousFigures_WithoutWaitingForIt()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var reader = new ScriptedBacklogReader(clock);
        await using var stack = await StartAsync(clock, reader);

        var first = await stack.AcceptAsync(stack.Url("first"));
        clock.Advance(BacklogEstimator.MinimumRefresh);
        reader.Next = new Backlog(QueuedUrls: 1000, DrainedUrls: 0);
        var gate = reader.HoldNextRead();
        var reading = stack.AcceptAsync(stack.Url("reading"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The accept that reads is held inside its read; this one must not wait for it.
        var meanwhile = await stack.AcceptAsync(stack.Url("meanwhile")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(reading.IsCompleted);
        gate.Release();
        var read = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(("1", "1", "11"), (first.Value("estimatedSeconds"), meanwhile.Value("estimatedSeconds"), read.Value("estimatedSeconds")));
        Assert.Equal(2, reader.Reads);
    }

    [Fact]
    public async Task SlowRead_IsRepeatedAfterTwentyTimesItsLength_NotEverySecond()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var reader = new ScriptedBacklogReader(clock) { Length = TimeSpan.FromMilliseconds(200) };
        await using var stack = await StartAsync(clock, reader);

        await stack.AcceptAsync(stack.Url("a"));
        // The read began 4 s (20 x 200 ms) before the next may; it ended 200 ms after it began.
        clock.Advance(TimeSpan.FromMilliseconds(3_799));
        await stack.AcceptAsync(stack.Url("b"));
        var readsBeforeDue = reader.Reads;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await stack.AcceptAsync(stack.Url("c"));

        Assert.Equal((1, 2), (readsBeforeDue, reader.Reads));
    }

    [Fact]
    public async Task ProviderEstimates_AreAskedAgainEverySecond_HoweverLongTheQueueFiguresLast()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var reader = new ScriptedBacklogReader(clock) { Length = TimeSpan.FromMilliseconds(200) };
        await using var stack = await StartAsync(clock, reader, new Dictionary<string, string?>
        {
            // Akamai is only quoted here, never called: no worker runs.
            ["Purge:Akamai:Host"] = "akab-test.purge.akamaiapis.net",
            ["Purge:Akamai:BaseUri"] = "http://127.0.0.1:9/",
            ["Purge:Akamai:ClientToken"] = "akab-client-token",
            ["Purge:Akamai:AccessToken"] = "akab-access-token",
            ["Purge:Akamai:ClientSecret"] = "c2VjcmV0",
        });
        var akamai = stack.Server.Services.GetRequiredService<Core.Purge.Akamai.AkamaiPurgeState>();

        var before = await stack.AcceptAsync(stack.Url("a"));
        akamai.EstimatedSeconds = 2;
        var sameSecond = await stack.AcceptAsync(stack.Url("b"));
        clock.Advance(BacklogEstimator.MinimumRefresh);
        var nextSecond = await stack.AcceptAsync(stack.Url("c"));

        // Akamai's default 5 s, then the 2 s it said: a second later, although the queue figures (read in 200 ms, so
        // good for 4 s) were not read again.
        Assert.Equal(("5", "5", "2"), (before.Value("estimatedSeconds"), sameSecond.Value("estimatedSeconds"), nextSecond.Value("estimatedSeconds")));
        Assert.Equal(1, reader.Reads);
    }

    [Theory]
    [InlineData(0, 1_000)]
    [InlineData(50, 1_000)]
    [InlineData(51, 1_020)]
    [InlineData(200, 4_000)]
    public void RefreshAfter_IsTwentyReadLengths_AtLeastASecond(int readMs, int refreshMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(refreshMs), BacklogEstimator.RefreshAfter(TimeSpan.FromMilliseconds(readMs)));

    private static Task<PurgeStack> StartAsync(ManualClock clock, ScriptedBacklogReader reader, Dictionary<string, string?>? extra = null) =>
        PurgeStack.StartWithAsync(new Dictionary<string, string?>(Settings.Concat(extra ?? [])), services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<IBacklogReader>(reader);
        });

    /// <summary>Figures set by the test; a read may take clock time, or be held until the test lets it go.</summary>
    private sealed class ScriptedBacklogReader(ManualClock clock) : IBacklogReader
    {
        private int reads;
        private Gate? held;

        public Backlog Next { get; set; }

        /// <summary>How far each read moves the clock.</summary>
        public TimeSpan Length { get; init; }

        public int Reads => Volatile.Read(ref reads);

        public Gate HoldNextRead() => held = new Gate();

        public async Task<Backlog> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            clock.Advance(Length);
            if (Interlocked.Exchange(ref held, null) is { } gate)
            {
                gate.Entered.TrySetResult();
                await gate.Released.Task.WaitAsync(cancellationToken);
            }

            return Next;
        }
    }

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
