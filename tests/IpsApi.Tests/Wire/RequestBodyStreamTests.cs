using System.Net.Sockets;
using System.Text;
using IpsApi.Tests.Support;
using Serilog.Events;

namespace IpsApi.Tests.Wire;

/// <summary>
/// A body that breaks HTTP's framing (a malformed chunk size) or ends early (the client goes away
/// mid-body) is the client's problem: a 400 where an answer can still be sent (else the connection is
/// closed), an Information entry in the log, never an unhandled error. Every wait is on the reply or
/// the request's log entry, bounded.
/// </summary>
public sealed class RequestBodyStreamTests(LoggedServerFixture fixture) : IClassFixture<LoggedServerFixture>
{
    private const string ServicePath = "/scene7/services/IpsApiService";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MalformedChunkSize_Is400_AndNoError()
    {
        var before = fixture.TextLog.Events.Count;
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            Headers("Transfer-Encoding: chunked") + "10\r\n<soapenv:Envelop\r\nzz-not-hex\r\n<x/>\r\n0\r\n\r\n"));

        var response = await ReadResponseAsync(stream);

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
        var entry = await fixture.TextLog.RequestEntryAsync(ServicePath, before);
        Assert.Equal(LogEventLevel.Information, entry.Level);
        Assert.Empty(fixture.TextLog.Problems(before));
    }

    [Fact]
    public async Task ClientClosingMidBody_IsNoError()
    {
        var before = fixture.TextLog.Events.Count;
        using (var client = await ConnectAsync())
        {
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Headers("Content-Length: 5000") + "<soapenv:Envelope xmlns:soapenv="));
            client.Close();
        }

        var entry = await fixture.TextLog.RequestEntryAsync(ServicePath, before);

        Assert.True(entry.Level <= LogEventLevel.Information, $"logged at {entry.Level}: {entry.RenderMessage()} {entry.Exception}");
        Assert.Empty(fixture.TextLog.Problems(before));
    }

    [Fact]
    public async Task ClientEndingItsSideMidBody_IsClosedOrA400_AndNoError()
    {
        var before = fixture.TextLog.Events.Count;
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Headers("Content-Length: 5000") + "<soapenv:Envelope xmlns:soapenv="));
        client.Client.Shutdown(SocketShutdown.Send);

        var response = await ReadResponseAsync(stream);

        Assert.True(response.Length == 0 || response.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal), response);
        var entry = await fixture.TextLog.RequestEntryAsync(ServicePath, before);
        Assert.Equal(LogEventLevel.Information, entry.Level);
        Assert.Empty(fixture.TextLog.Problems(before));
    }

    private static string Headers(string framing) =>
        $"POST {ServicePath} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"cdnCacheInvalidation\"\r\n{framing}\r\n\r\n";

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(fixture.TextServer.BaseAddress.Host, fixture.TextServer.BaseAddress.Port);
        return client;
    }

    /// <summary>The status line and headers, or what came before the server closed the connection; a timeout fails.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        using var deadline = new CancellationTokenSource(Bounded);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
