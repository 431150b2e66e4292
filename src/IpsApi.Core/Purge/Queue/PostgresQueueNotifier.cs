using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// Sends <c>NOTIFY ipsapi_batches</c> after batches were stored, on a connection of its own so
/// that the accepting call never waits for it. An idle queue hears of new work at once; under
/// load at most one notification goes out per <see cref="MinInterval"/> (each is a commit in
/// PostgreSQL), and announcements made meanwhile coalesce into it. Busy workers do not need
/// them: a worker that finds work wakes the next one.
/// </summary>
public sealed partial class PostgresQueueNotifier(NpgsqlDataSource dataSource, QueueSignal signal, ILogger<PostgresQueueNotifier> logger) : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                await using var notify = new NpgsqlCommand($"NOTIFY {PostgresQueueChannel.Name}", connection);
                await notify.PrepareAsync(stoppingToken);
                failures = 0;
                while (true)
                {
                    await signal.WaitForAnnouncementAsync(stoppingToken);
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                    await Task.Delay(MinInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresQueueChannel.IsConnectionFailure(e))
            {
                // Other processes' workers still poll; retry the connection with a growing pause.
                failures++;
                LogNotifyFailed(logger, failures, e.Message);
                await PostgresQueueChannel.PauseBeforeReconnectAsync(failures, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not send queue notifications ({Failures} in a row): {Reason}; other nodes will find the work by polling")]
    private static partial void LogNotifyFailed(ILogger logger, int failures, string reason);
}
