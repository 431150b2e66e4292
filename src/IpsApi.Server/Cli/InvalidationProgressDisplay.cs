using System.Globalization;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>invalidation add --wait</c> and <c>purge-all --wait</c>: follows a request until it ends. On a terminal a bar is redrawn in place;
/// otherwise (a pipe, a log) one line is written per change, so that a log shows each step once.
/// </summary>
internal static class InvalidationProgressDisplay
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A request still <c>Received</c> this long after it was stored has no worker taking it up.</summary>
    private static readonly TimeSpan NoWorkerHint = TimeSpan.FromSeconds(15);

    /// <summary>0 when the request is <c>Done</c>; 1 when it ended in a failure (its failed URLs on standard error).</summary>
    public static async Task<int> WaitAsync(InvalidationService service, Caller caller, InvalidationAccepted accepted, CancellationToken cancellationToken)
    {
        var live = !Console.IsOutputRedirected;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var hinted = false;
        string? last = null;
        while (true)
        {
            var progress = await service.GetStatusAsync(caller, accepted.InvalidationHandle, cancellationToken);
            var line = Describe(progress, accepted.UrlCount, live);
            if (line != last)
            {
                if (live)
                {
                    Console.Write($"\r{line}\u001b[K");
                }
                else
                {
                    Console.WriteLine($"{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {line}");
                }

                last = line;
            }

            if (InvalidationStatus.IsTerminal(progress.Status))
            {
                if (live)
                {
                    Console.WriteLine();
                }

                if (progress.Status == InvalidationStatus.Done)
                {
                    return 0;
                }

                foreach (var (code, reason) in progress.Errors)
                {
                    await Console.Error.WriteLineAsync($"  {code.ToString(CultureInfo.InvariantCulture)} {reason}");
                }

                throw new CliException(accepted.UrlCount == 0
                    ? $"{accepted.InvalidationHandle} ended {progress.Status}: the whole cache was not purged; 'ipsapi invalidation show' has the details"
                    : $"{accepted.InvalidationHandle} ended {progress.Status}: {progress.ErrorCount} of {accepted.UrlCount} URL(s) failed; 'ipsapi invalidation show' has the details");
            }

            if (!hinted && progress.Status == InvalidationStatus.Received && waited.Elapsed > NoWorkerHint)
            {
                hinted = true;
                await Console.Error.WriteLineAsync($"{(live ? "\n" : "")}ipsapi: still Received after {NoWorkerHint.TotalSeconds:0} s: the purge is done by a running 'ipsapi serve' or 'ipsapi worker' on this store");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>A request without URLs is a purge of the whole cache: it has no counts, only its status and whether it is retrying.</summary>
    private static string Describe(InvalidationProgress progress, int total, bool bar)
    {
        var settled = progress.SuccessCount + progress.ErrorCount;
        var counts = total == 0
            ? progress.Status == InvalidationStatus.Done ? "whole cache purged"
                : InvalidationStatus.IsTerminal(progress.Status) ? "whole cache not purged"
                : "whole cache" + (progress.Warnings.Count > 0 ? ", retrying" : "")
            : $"{progress.SuccessCount}/{total} URLs purged"
                + (progress.WarningCount > 0 ? $", {progress.WarningCount} retrying" : "")
                + (progress.ErrorCount > 0 ? $", {progress.ErrorCount} failed" : "");
        if (!bar)
        {
            return $"{progress.Status} {counts}";
        }

        const int width = 30;
        var filled = total == 0 ? (InvalidationStatus.IsTerminal(progress.Status) ? width : 0) : settled * width / total;
        return $"[{new string('#', filled)}{new string('-', width - filled)}] {progress.Status,-14} {counts}";
    }
}
