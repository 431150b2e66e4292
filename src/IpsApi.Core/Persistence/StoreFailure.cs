using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IpsApi.Core.Persistence;

/// <summary>What a failed write tells about whether it was stored.</summary>
public static class StoreFailure
{
    /// <summary>
    /// True when the store may have committed the write although the call failed: the connection broke or
    /// timed out after the statements were sent, so the reply (or the COMMIT's acknowledgement) was lost on
    /// the way back. An error the store itself reported (PostgreSQL's or SQLite's) means the transaction was
    /// rolled back, so the outcome is known: nothing was stored.
    /// </summary>
    public static bool OutcomeUnknown(Exception exception)
    {
        var lostConnection = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException or SqliteException:
                    return false;
                case NpgsqlException or IOException or SocketException or TimeoutException:
                    lostConnection = true;
                    break;
            }
        }

        return lostConnection;
    }
}
