using System.Net;
using System.Net.Sockets;

namespace IpsApi.Tests.Support;

/// <summary>
/// Client addresses for tests that count per address: on Linux every 127.x.y.z is loopback, so a client socket bound
/// to one of them reaches a server on 127.0.0.1 and is seen coming from that address.
/// </summary>
public static class LoopbackSource
{
    private static int next;

    /// <summary>A loopback address no other test in this run uses (127.64.0.1 onwards).</summary>
    public static IPAddress Unique()
    {
        var n = Interlocked.Increment(ref next);
        return new IPAddress([127, (byte)(64 + (n / (254 * 256))), (byte)(n / 254 % 256), (byte)((n % 254) + 1)]);
    }

    /// <summary>An HttpClient whose connections come from <paramref name="source"/>.</summary>
    public static HttpClient Client(IPAddress source) =>
        new(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
}
