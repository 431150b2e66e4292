namespace IpsApi.Tests.Support;

/// <summary>
/// A test class's own origin behind a real varnishd with the project's VCL, and a client of the cache: each
/// test gets them fresh, so no object cached by one test is seen by another.
/// </summary>
public abstract class CachedOriginTest : IAsyncLifetime
{
    protected CountingOrigin Origin { get; private set; } = null!;

    /// <summary>The cache; a test that stops it to see an outage starts the next one here, to be stopped after the test.</summary>
    protected VarnishInstance Varnish { get; set; } = null!;

    /// <summary>A client of the cache (varnishd's listening port).</summary>
    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Origin = await CountingOrigin.StartAsync();
        Varnish = await VarnishInstance.StartAsync(Origin.Port);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Varnish.Port}") };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Varnish.DisposeAsync();
        await Origin.DisposeAsync();
    }
}
