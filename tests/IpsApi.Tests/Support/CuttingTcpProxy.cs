using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpsApi.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that, once armed, cuts the connection that sends a given text
/// at the moment the server starts answering it: the statement has run (and, outside an explicit transaction,
/// committed), but the client never hears so. That is the unknown-outcome commit a crash or a network cut
/// produces, made to happen on cue.
/// </summary>
public sealed class CuttingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint upstream;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> connections = [];
    private byte[]? trigger;

    public CuttingTcpProxy(string host, int port)
    {
        upstream = new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Completes when an armed cut has happened.</summary>
    public TaskCompletionSource Cut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next connection to send <paramref name="text"/> is cut as the server's answer comes back.</summary>
    public void CutOnAnswerTo(string text) => Volatile.Write(ref trigger, Encoding.UTF8.GetBytes(text));

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
                lock (connections)
                {
                    connections.Add(RelayAsync(client));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        await server.ConnectAsync(upstream, stopping.Token);
        var armed = 0;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);

        async Task Pump(NetworkStream from, NetworkStream to, bool toServer)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReadAsync(buffer, cut.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    if (toServer && Volatile.Read(ref trigger) is { } text && buffer.AsSpan(0, read).IndexOf(text) >= 0
                        && Interlocked.CompareExchange(ref trigger, null, text) == text)
                    {
                        armed = 1;
                    }
                    else if (!toServer && Volatile.Read(ref armed) == 1)
                    {
                        // The answer is dropped and both sides are closed: the client sees the connection break.
                        Cut.TrySetResult();
                        await cut.CancelAsync();
                        break;
                    }

                    await to.WriteAsync(buffer.AsMemory(0, read), cut.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }

            client.Client.Close();
            server.Client.Close();
        }

        await Task.WhenAll(Pump(client.GetStream(), server.GetStream(), toServer: true), Pump(server.GetStream(), client.GetStream(), toServer: false));
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Task[] running;
        lock (connections)
        {
            running = [.. connections];
        }

        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        stopping.Dispose();
    }
}
