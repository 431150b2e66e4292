using Npgsql;

namespace IpsApi.Core.Purge.Queue;

/// <summary>
/// The PostgreSQL notification channel on which processes announce new batches, and how its
/// listener and notifier treat a lost connection.
/// </summary>
public static class PostgresQueueChannel
{
    public const string Name = "ipsapi_batches";

    /// <summary>Failures that mean the connection (or the server) went away, worth reconnecting after.</summary>
    public static bool IsConnectionFailure(Exception e) =>
        e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException;

    /// <summary>The pause before reconnecting: 0.5 s after the first failure, doubling up to 10 s; returns early (without throwing) on shutdown.</summary>
    public static Task PauseBeforeReconnectAsync(int failures, CancellationToken stoppingToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * (1 << Math.Min(failures, 6)))), stoppingToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);
}
