using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Purge.Log;

/// <summary>
/// Records the purge in the log and calls nothing: the provider when no cache or CDN is
/// configured, so the embedded default still takes a request to <c>Done</c>.
/// </summary>
public sealed partial class LogPurgeProvider(ILogger<LogPurgeProvider> logger) : IPurgeProvider
{
    public string Name => "log";

    public int EstimatedSeconds => 0;

    public Task<PurgeOutcome> PurgeAsync(IReadOnlyList<string> urls, CancellationToken cancellationToken)
    {
        LogPurged(logger, urls.Count, urls.Count > 0 ? urls[0] : "");
        foreach (var url in urls)
        {
            LogUrl(logger, url);
        }

        return Task.FromResult(PurgeOutcome.Succeeded());
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Purge recorded for {Count} URL(s), first {FirstUrl} (log provider: no cache configured)")]
    private static partial void LogPurged(ILogger logger, int count, string firstUrl);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug, Message = "Purge recorded: {Url}")]
    private static partial void LogUrl(ILogger logger, string url);
}
