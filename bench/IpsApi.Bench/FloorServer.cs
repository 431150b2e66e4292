using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpsApi.Bench;

/// <summary>
/// The floor: a minimal Kestrel endpoint on 127.0.0.1 (a free port) that reads each POST body to
/// its end and answers a fixed reply shaped like IpsApi's. What the same client achieves against
/// it is the most the machine allows before any IpsApi work; logging is off.
/// </summary>
internal sealed class FloorServer : IAsyncDisposable
{
    private static readonly byte[] Reply = Encoding.UTF8.GetBytes(
        """<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><cdnCacheInvalidationReturn xmlns="http://www.scene7.com/IpsApi/xsd/2012-02-14"><invalidationHandle>i|1|1|AAAAAAAAAAAAAAAAAAAAAA</invalidationHandle><estimatedSeconds>1</estimatedSeconds></cdnCacheInvalidationReturn></soapenv:Body></soapenv:Envelope>""");

    private readonly WebApplication app;

    private FloorServer(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<FloorServer> StartAsync(string path, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the floor endpoint reported no address");
        var port = new Uri(address).Port;
        return new FloorServer(app, new Uri($"http://127.0.0.1:{port}{path}"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }

    private static async Task HandleAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var body = http.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(http.RequestAborted);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/xml; charset=utf-8";
        http.Response.ContentLength = Reply.Length;
        await http.Response.Body.WriteAsync(Reply, http.RequestAborted);
    }
}
