using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IpsApi.Tests.Support;

/// <summary>
/// An image-server stand-in that counts the fetches of each host + path?query (the request line as
/// it arrived, not decoded: <c>%41</c> and <c>A</c> are different objects to a cache) and lets caches
/// keep answers for an hour.
/// </summary>
public sealed class CountingOrigin : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> fetches = new(StringComparer.Ordinal);

    private CountingOrigin(WebApplication app) => this.app = app;

    public int Port { get; private set; }

    public static async Task<CountingOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var origin = new CountingOrigin(app);
        app.Run(async http =>
        {
            var key = http.Request.Host + http.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var count = origin.fetches.AddOrUpdate(key, 1, (_, n) => n + 1);
            http.Response.Headers.CacheControl = "public, max-age=3600";
            await http.Response.WriteAsync($"{key} fetch {count}");
        });
        await app.StartAsync();
        origin.Port = app.BoundAddress().Port;
        return origin;
    }

    public int Fetches(string hostPathQuery) => fetches.GetValueOrDefault(hostPathQuery);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
