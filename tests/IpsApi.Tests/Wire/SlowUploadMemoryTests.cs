using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IpsApi.Tests.Support;
using Xunit.Abstractions;

namespace IpsApi.Tests.Wire;

/// <summary>
/// Memory follows the bytes that arrived, not the Content-Length announced: a crowd of clients announcing
/// 2 MB bodies and sending them slowly (fast enough for Kestrel's minimum data rate) costs the server
/// what they sent, where a buffer sized from the header would cost 300 × 2 MB.
/// </summary>
public sealed class SlowUploadMemoryTests(ITestOutputHelper output)
{
    private const int Clients = 300;
    private const int AnnouncedBytes = 2_000_000;
    private const long AllowedGrowthBytes = 100L * 1024 * 1024;
    private const long HeapLimitBytes = 256L * 1024 * 1024;

    [Fact]
    public async Task ThreeHundredSlowTwoMegabyteUploads_GrowTheServerByLessThan100Megabytes()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            using (var migrate = new IpsApiProcess(new Dictionary<string, string?>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__IpsApi"] = connectionString,
            }))
            {
                Assert.Equal(0, (await migrate.RunAsync(null, "migrate")).ExitCode);
            }

            var port = IpsApiProcess.FreePort();
            await using var server = await IpsApiServer.StartAsync(
                connectionString,
                new Dictionary<string, string?>
                {
                    ["Purge:Workers"] = "1",
                    // Untouched pages of a buffer sized from Content-Length need not be resident, so RSS alone could
                    // miss one; a managed heap capped below 300 × 2 MB cannot hold them at all.
                    ["DOTNET_GCHeapHardLimit"] = HeapLimitBytes.ToString("x", CultureInfo.InvariantCulture),
                },
                "serve", "--urls", $"http://127.0.0.1:{port}");
            await server.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(30));
            var quiet = ResidentBytes(server.ProcessId);

            using var stop = new CancellationTokenSource();
            var uploads = Enumerable.Range(0, Clients).Select(_ => TrickleAsync(port, stop.Token)).ToList();
            long peak = 0;
            for (var sample = 0; sample < 16; sample++)
            {
                await Task.Delay(500);
                Assert.False(server.HasExited, $"the server exited ({(server.HasExited ? server.ExitCode : 0)}) while {Clients} uploads trickled in:\n{server.Output}");
                peak = Math.Max(peak, ResidentBytes(server.ProcessId));
            }

            var connected = uploads.Count(u => !u.IsCompleted);
            Assert.DoesNotContain("OutOfMemory", server.Output, StringComparison.Ordinal);
            await stop.CancelAsync();
            var sent = await Task.WhenAll(uploads);

            output.WriteLine($"{Clients} uploads announcing {AnnouncedBytes:N0} bytes, {sent.Sum() / Clients:N0} bytes sent each over 8 s: "
                + $"server RSS {quiet / 1048576.0:0} MB quiet, {peak / 1048576.0:0} MB peak (+{(peak - quiet) / 1048576.0:0} MB)");
            Assert.Equal(Clients, connected);
            Assert.InRange(peak - quiet, long.MinValue, AllowedGrowthBytes);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>One client: the headers, then 512 bytes every 250 ms (2 KB/s, above the 1 KB/s minimum) until stopped; returns the body bytes sent.</summary>
    private static async Task<long> TrickleAsync(int port, CancellationToken stop)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, CancellationToken.None);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /scene7/services/IpsApiService HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml; charset=utf-8\r\n"
            + $"Content-Length: {AnnouncedBytes}\r\n\r\n"), CancellationToken.None);
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 512));
        long sent = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync(chunk, stop);
                sent += chunk.Length;
                await Task.Delay(250, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return sent;
    }

    private static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
