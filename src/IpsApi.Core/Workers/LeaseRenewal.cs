using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Workers;

/// <summary>
/// Keeps a claimed item's lease alive while a worker is on it: renews every third of the lease, and when
/// a renewal finds the lease taken (another worker owns the item now) cancels the work, whose result would
/// be discarded anyway. A renewal that fails (the store is unreachable) is logged and tried again; if the
/// lease runs out meanwhile, another worker takes over, which is what a lease is for.
/// </summary>
public static partial class LeaseRenewal
{
    /// <summary>Renews through <paramref name="renew"/> until <paramref name="done"/>; cancels <paramref name="lost"/> when it returns false.</summary>
    public static async Task KeepAsync(
        Func<CancellationToken, Task<bool>> renew,
        TimeSpan lease,
        TimeProvider clock,
        CancellationTokenSource lost,
        string item,
        ILogger logger,
        CancellationToken done)
    {
        var every = lease / 3;
        while (true)
        {
            try
            {
                await Task.Delay(every, clock, done);
                if (!await renew(done))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRenewFailed(logger, item, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "{Item}: could not renew its lease: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string item, string reason);
}
