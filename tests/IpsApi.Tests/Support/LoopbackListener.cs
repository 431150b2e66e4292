using System.Diagnostics;
using System.Net.Sockets;

namespace IpsApi.Tests.Support;

/// <summary>Waits for a server process the tests started to accept connections, by connecting rather than sleeping.</summary>
public static class LoopbackListener
{
    public enum Wait
    {
        Listening,
        Exited,
        TimedOut,
    }

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> every <paramref name="every"/> until it answers, the
    /// <paramref name="process"/> exits, or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<Wait> WaitAsync(int port, Process process, TimeSpan timeout, TimeSpan every)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                return Wait.Exited;
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return Wait.Listening;
            }
            catch (SocketException)
            {
                await Task.Delay(every);
            }
        }

        return Wait.TimedOut;
    }
}
