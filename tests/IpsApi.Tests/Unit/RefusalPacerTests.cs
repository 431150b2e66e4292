using System.Diagnostics;
using IpsApi.Core.Users.Throttling;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Unit;

public sealed class RefusalPacerTests
{
    [Fact]
    public async Task RefusalsOfOneLock_ComeInABurstThenAtTheRate_AndALineTooLongIsTurnedAway()
    {
        using var pacer = new RefusalPacer(Options.Create(new LoginThrottleOptions { LockedRefusalsPerSecond = 10 }));
        var locked = new AuthFailure { Kind = AuthFailureKind.Address, Key = "192.0.2.1" };
        var other = new AuthFailure { Kind = AuthFailureKind.UserName, Key = "192.0.2.1" };
        var extra = 5;
        var watch = Stopwatch.StartNew();

        var turns = Enumerable.Range(0, RefusalPacer.Burst + RefusalPacer.QueueLimit + extra)
            .Select(_ => pacer.WaitTurnAsync(locked, CancellationToken.None)).ToList();
        var immediate = turns.Count(t => t.IsCompletedSuccessfully && t.Result);
        var turnedAway = turns.Count(t => t.IsCompletedSuccessfully && !t.Result);

        // Another lock has a line of its own.
        Assert.True(await pacer.WaitTurnAsync(other, CancellationToken.None));
        Assert.Equal(RefusalPacer.Burst, immediate, tolerance: 1);
        Assert.Equal(extra, turnedAway, tolerance: 1);

        // The line moves at 10 a second: the 10th waiting takes about a second, never less.
        var tenthInLine = turns.Where(t => !t.IsCompleted).Take(10).ToList();
        await Task.WhenAll(tenthInLine);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.85), $"10 waited only {watch.Elapsed.TotalMilliseconds:0} ms");
    }
}
