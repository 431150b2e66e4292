using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Support;

/// <summary>
/// A stand-in Varnish node for tests that count purges across processes: answers <c>PURGE</c>
/// as Varnish does (<c>200 Purged</c>) and records each host + path?query. Purges can be held
/// (left unanswered until released) or slowed, to catch a worker mid-batch.
/// </summary>
public sealed class PurgeRecorder : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> purges = new(StringComparer.Ordinal);
    private TaskCompletionSource hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int inFlight;

    private PurgeRecorder(WebApplication app)
    {
        this.app = app;
        hold.SetResult();
    }

    public int Port { get; private set; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Each purge waits this long before it is answered.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Purges currently waiting for an answer.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    public int Total => purges.Values.Sum();

    public IReadOnlyDictionary<string, int> Purges => purges;

    public static async Task<PurgeRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var recorder = new PurgeRecorder(app);
        app.Run(recorder.HandleAsync);
        await app.StartAsync();
        recorder.Port = app.BoundAddress().Port;
        return recorder;
    }

    /// <summary>From now on purges are left unanswered until <see cref="Release"/>.</summary>
    public void Hold() => hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => hold.TrySetResult();

    public int Count(string hostPathQuery) => purges.GetValueOrDefault(hostPathQuery);

    public async Task WaitForInFlightAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (InFlight == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no purge reached the node in time");
            await Task.Delay(20);
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Method != "PURGE")
        {
            http.Response.StatusCode = 405;
            return;
        }

        Interlocked.Increment(ref inFlight);
        try
        {
            await hold.Task.WaitAsync(http.RequestAborted);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, http.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The purging process went away mid-request: nothing was purged.
            return;
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }

        purges.AddOrUpdate(http.Request.Host + http.Request.Path + http.Request.QueryString, 1, (_, n) => n + 1);
        http.Response.StatusCode = 200;
        http.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Purged";
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
