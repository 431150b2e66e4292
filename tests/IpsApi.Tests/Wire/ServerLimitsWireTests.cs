using System.Net;
using System.Net.Sockets;
using System.Text;
using IpsApi.Server.Hosting;
using IpsApi.Server.Soap;
using IpsApi.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Wire;

/// <summary>The Kestrel limits of <see cref="ServerLimitsOptions"/> (<c>Kestrel:Limits</c>) are the ones a real server enforces.</summary>
public sealed partial class ServerLimitsWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task DefaultLimits_HeadersOverSixteenKilobytes_Get431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 17 * 1024));

        using var response = await fixture.Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task DefaultLimits_MoreThanFiftyHeaders_Get431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        for (var i = 0; i < 50; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Header-{i}", "x");
        }

        using var response = await fixture.Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public void DefaultLimits_AreTheDocumentedOnes_AndTheBodyLimitIsTheSoapOne()
    {
        var limits = fixture.Server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(1000, limits.MaxConcurrentConnections);
        Assert.Equal(16 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(50, limits.MaxRequestHeaderCount);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal((1024d, TimeSpan.FromSeconds(5)), (limits.MinRequestBodyDataRate!.BytesPerSecond, limits.MinRequestBodyDataRate.GracePeriod));
        Assert.Equal(2 * SoapEndpointOptions.DefaultMaxRequestBodyBytes, limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task ConfiguredLimits_AreEnforced_HeaderSizeAndConnectionCount()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using var server = await TestServer.StartOnPostgresAsync(database, new Dictionary<string, string?>
            {
                ["Purge:Workers"] = "0",
                ["Kestrel:Limits:MaxRequestHeadersTotalSize"] = "2048",
                ["Kestrel:Limits:MaxConcurrentConnections"] = "1",
                ["Kestrel:Limits:KeepAliveTimeout"] = "00:02:00",
                ["Soap:MaxRequestBodyBytes"] = "100000",
            });
            var limits = server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
            Assert.Equal((TimeSpan.FromMinutes(2), 200000L), (limits.KeepAliveTimeout, limits.MaxRequestBodySize));

            // One connection, kept alive after a request is answered on it...
            using var held = new TcpClient();
            await held.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            var stream = held.GetStream();
            Assert.StartsWith("HTTP/1.1 200", await RawGetAsync(stream, server.BaseAddress, 1024), StringComparison.Ordinal);

            // ...and while it is open, a second connection is not served...
            using var second = new TcpClient();
            await second.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            var secondStream = second.GetStream();
            await secondStream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await ReadOrResetAsync(secondStream, timeout.Token));

            // ...and 3 KiB of headers, which the default limit lets through, get 431.
            Assert.StartsWith("HTTP/1.1 431", await RawGetAsync(stream, server.BaseAddress, 3 * 1024), StringComparison.Ordinal);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Theory]
    [InlineData("Kestrel:Limits:MaxRequestBodySize", "1000000", "Kestrel:Limits:MaxRequestBodySize is not used: the request body limit is Soap:MaxRequestBodyBytes.")]
    [InlineData("Kestrel:Limits:MaxRequestHeaderCount", "2", "Kestrel:Limits:MaxRequestHeaderCount must be from 8 to 1000.")]
    [InlineData("Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond", "0", "Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond must be from 1 to 1048576.")]
    [InlineData("Soap:MaxElementDepth", "4", "Soap:MaxElementDepth must be from 8 to 256.")]
    public void WrongLimit_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddIpsApi();

        // Kestrel's options are resolved as the application is built, so a bad limit may stop it there already.
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            using var app = builder.Build();
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A GET of /healthz with <paramref name="padding"/> bytes in one header, on a kept-alive connection; the status line and headers of the answer.</summary>
    private static async Task<string> RawGetAsync(NetworkStream stream, Uri baseAddress, int padding)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nX-Padding: {new string('a', padding)}\r\n\r\n"));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var text = answer.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var length = LengthPattern().Match(text[..end]);
            if (length.Success ? text.Length >= end + 4 + int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\r\nContent-Length: *(\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex LengthPattern();

    /// <summary>Bytes read, 0 when the server closed (or reset) the connection without answering.</summary>
    private static async Task<int> ReadOrResetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(new byte[1024], cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException)
        {
            return 0;
        }
    }
}
