using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// <c>LISTEN ipsapi_batches</c> on a connection of its own and wakes this process's workers when
/// another process stored batches. Reconnects after a PostgreSQL restart and then wakes the
/// workers once, since notifications sent meanwhile are lost.
/// </summary>
public sealed partial class PostgresQueueListener(NpgsqlDataSource dataSource, QueueSignal signal, ILogger<PostgresQueueListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresQueueChannel.Name}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    LogListening(logger);
                }

                failures = 0;
                signal.Pulse();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresQueueChannel.IsConnectionFailure(e))
            {
                failures++;
                LogListenFailed(logger, failures, e.Message);
                await PostgresQueueChannel.PauseBeforeReconnectAsync(failures, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Lost the queue notification connection ({Failures} in a row): {Reason}; polling until it is back")]
    private static partial void LogListenFailed(ILogger logger, int failures, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Queue notifications restored")]
    private static partial void LogListening(ILogger logger);
}
