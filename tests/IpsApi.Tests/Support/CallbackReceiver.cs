using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Support;

/// <summary>
/// A receiver of completion callbacks, as a company would run one: a real HTTP server on a loopback port
/// that verifies each delivery's <c>X-IpsApi-Signature</c> with the secret it was given (HMAC-SHA256 over
/// <c>"&lt;t&gt;.&lt;raw body&gt;"</c>, written here from the README's description), records it, and answers
/// as scripted: each delivery takes the next answer, the last one repeating.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Delivery> deliveries = new();
    private readonly Channel<Delivery> arrivals = Channel.CreateUnbounded<Delivery>();
    private CallbackAnswer[] script = [CallbackAnswer.Status(204)];
    private int next;

    private CallbackReceiver(WebApplication app) => this.app = app;

    /// <summary>The secret signatures are checked with; set it once the CLI has printed it.</summary>
    public string? Secret { get; set; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<Delivery> Deliveries => [.. deliveries];

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.BoundAddress(), "/hooks/ipsapi?token=t0k3n");
        return receiver;
    }

    public void Answer(params CallbackAnswer[] answers) => script = answers;

    /// <summary>The next delivery to arrive (once its answer has been decided), or a failure after <paramref name="timeout"/>.</summary>
    public async Task<Delivery> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await arrivals.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var answer = script[Math.Min(Interlocked.Increment(ref next) - 1, script.Length - 1)];
        var delivery = new Delivery(
            http.Request.Method,
            http.Request.Path + http.Request.QueryString,
            http.Request.Headers["X-IpsApi-Delivery"].ToString(),
            http.Request.Headers["X-IpsApi-Signature"].ToString(),
            http.Request.ContentType,
            http.Request.Headers.UserAgent.ToString(),
            Encoding.UTF8.GetString(body),
            Verify(http.Request.Headers["X-IpsApi-Signature"].ToString(), body),
            answer.Code,
            DateTimeOffset.UtcNow);
        deliveries.Enqueue(delivery);
        arrivals.Writer.TryWrite(delivery);
        if (answer.Hang)
        {
            // Never answers: the sender's timeout ends the attempt (and the connection).
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        http.Response.StatusCode = answer.Code;
        if (answer.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (answer.Text is { } text)
        {
            await http.Response.WriteAsync(text);
        }
    }

    private bool Verify(string header, byte[] body)
    {
        // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (Secret is null || !parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1))
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(t, CultureInfo.InvariantCulture);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1)) && Math.Abs(age) <= 300;
    }

    public sealed record Delivery(
        string Method, string PathAndQuery, string DeliveryId, string Signature, string? ContentType, string UserAgent,
        string Body, bool SignatureValid, int AnsweredWith, DateTimeOffset At);
}
