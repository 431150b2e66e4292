using IpsApi.Core.Companies;
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

    public Task<PurgeOutcome> PurgeAsync(IReadOnlyList<PurgeTarget> targets, CancellationToken cancellationToken)
    {
        LogPurged(logger, targets.Count, targets.Count > 0 ? targets[0].Url : "");
        foreach (var target in targets)
        {
            LogUrl(logger, target.Url, target.Canonical);
        }

        return Task.FromResult(PurgeOutcome.Succeeded());
    }

    public string? WholeCacheRefusal(Company company) => null;

    public Task<PurgeOutcome> PurgeWholeCacheAsync(Company company, CancellationToken cancellationToken)
    {
        LogWholeCache(logger, company.Handle, company.RootId);
        return Task.FromResult(PurgeOutcome.Succeeded());
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Purge recorded for {Count} URL(s), first {FirstUrl} (log provider: no cache configured)")]
    private static partial void LogPurged(ILogger logger, int count, string firstUrl);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug, Message = "Purge recorded: {Url} as {Target}")]
    private static partial void LogUrl(ILogger logger, string url, string target);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Purge of the whole cache of company {Company} (root {Root}) recorded (log provider: no cache configured)")]
    private static partial void LogWholeCache(ILogger logger, string company, string root);
}
