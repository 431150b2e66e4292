using IpsApi.Core.Companies;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Fastly;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Purge;

/// <summary>The Fastly provider against <see cref="FastlyFake"/>.</summary>
public sealed class FastlyPurgeProviderTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Fastly_NUrls_AreNCallsEachWithTheKeyAndTheUrlWithoutScheme()
    {
        await using var fake = await FastlyFake.StartAsync();
        var urls = AnonymousUrls.Create(7);

        var outcome = await Provider(fake).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(7, fake.Received);
        Assert.All(urls, url => Assert.Equal(1, fake.Count(url["https://".Length..])));
        Assert.All(fake.Purges, purge => Assert.False(purge.Soft));
        Assert.StartsWith("fastly purged 7 URLs ids=", outcome.Receipt, StringComparison.Ordinal);
        Assert.EndsWith(" +2 more", outcome.Receipt, StringComparison.Ordinal);

        // The purges arrive in any order; the receipt names five of Fastly's ids and counts the rest.
        var listed = outcome.Receipt!["fastly purged 7 URLs ids=".Length..^" +2 more".Length].Split(',');
        Assert.Equal(5, listed.Distinct().Count());
        Assert.All(listed, id => Assert.Contains(id, fake.Purges.Select(p => p.Id)));
        Assert.Equal(1, outcome.EstimatedSeconds);
    }

    [Fact]
    public async Task Fastly_PurgePath_IsTheCanonicalTarget_HostLowerCasedDefaultPortDropped_PathNotReencoded()
    {
        await using var fake = await FastlyFake.StartAsync();
        string[] urls = ["https://IMAGES.Example.com:443/is/image/acme/%41%7e?$x$", "http://images.example.com:8080/is/image/acme/a%20b;c"];

        var outcome = await Provider(fake).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(1, fake.Count("images.example.com/is/image/acme/%41%7e?$x$"));
        Assert.Equal(1, fake.Count("images.example.com:8080/is/image/acme/a%20b;c"));
        Assert.Equal(2, fake.Received);
    }

    [Fact]
    public async Task Fastly_Failure_NamesTheUrlAsTheClientSentIt()
    {
        await using var fake = await FastlyFake.StartAsync();
        var url = "https://IMAGES.Example.com/is/image/acme/%41";

        var outcome = await Provider(fake, options => options.ApiToken = "not-the-key").PurgeAsync([url], CancellationToken.None);

        Assert.Equal(url, Assert.Single(outcome.Failures).Url);
    }

    [Fact]
    public async Task Fastly_SoftPurge_SendsFastlySoftPurgeHeader()
    {
        await using var fake = await FastlyFake.StartAsync();

        var outcome = await Provider(fake, options => options.SoftPurge = true).PurgeAsync(AnonymousUrls.Create(3), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(3, fake.Purges.Count);
        Assert.All(fake.Purges, purge => Assert.True(purge.Soft));
        Assert.StartsWith("fastly soft-purged 3 URLs", outcome.Receipt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fastly_WrongKey_IsPermanentKeyRejectedAndStopsCalling()
    {
        await using var fake = await FastlyFake.StartAsync();
        var urls = AnonymousUrls.Create(40);

        var outcome = await Provider(fake, options => (options.ApiToken, options.Concurrency) = ("not-the-key", 2)).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(urls, outcome.Failures.Select(f => f.Url));
        Assert.All(outcome.Failures, failure =>
        {
            Assert.Equal(401, failure.Code);
            Assert.Equal("Fastly-Key rejected (401: Provided credentials are missing or invalid)", failure.Reason);
        });
        Assert.Empty(fake.Purges);
        Assert.InRange(fake.Received, 1, 3);
    }

    [Fact]
    public async Task Fastly_429_IsThrottledForRetryAfter()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.ThrottleRetryAfter = TimeSpan.FromSeconds(7);
        fake.ThrottleNext(1);

        var outcome = await Provider(fake).PurgeAsync(AnonymousUrls.Create(3), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
        Assert.StartsWith("Fastly 429", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fastly_429WithoutRetryAfter_WaitsUntilFastlyRateLimitReset()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var fake = await FastlyFake.StartAsync();
        fake.ThrottleReset = clock.GetUtcNow().AddSeconds(12);
        fake.ThrottleNext(1);

        var outcome = await Provider(fake, clock: clock).PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(12), outcome.RetryAfter);
    }

    [Fact]
    public async Task Fastly_429WithoutHeaders_WaitsOneSecond()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.ThrottleNext(1);

        var outcome = await Provider(fake).PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task Fastly_503ForSomeUrls_IsTransientListingOnlyThose()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.FailNext(2);
        var urls = AnonymousUrls.Create(5);

        var outcome = await Provider(fake, options => options.Concurrency = 1).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(urls[..2], outcome.Failures.Select(f => f.Url));
        Assert.All(outcome.Failures, failure => Assert.Equal((503, "Fastly 503 Service unavailable"), (failure.Code, failure.Reason)));
        Assert.Equal(3, fake.Purges.Count);
    }

    [Fact]
    public async Task Fastly_TransientOutranksThrottled()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.ThrottleNext(1);
        fake.FailNext(1);

        var outcome = await Provider(fake, options => options.Concurrency = 1).PurgeAsync(AnonymousUrls.Create(3), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Single(outcome.Failures);
    }

    [Fact]
    public async Task Fastly_Unreachable_IsTransientWithCodeZero()
    {
        var fake = await FastlyFake.StartAsync();
        var provider = Provider(fake);
        await fake.DisposeAsync();

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.All(outcome.Failures, failure => Assert.Equal(0, failure.Code));
    }

    [Fact]
    public async Task Fastly_NoAnswerInTime_IsTransientWithCodeZero()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.ResponseDelay = TimeSpan.FromSeconds(5);

        var outcome = await Provider(fake, options => options.Timeout = TimeSpan.FromMilliseconds(200)).PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, outcome.Failures[0].Code);
    }

    [Fact]
    public async Task Fastly_Concurrency_BoundsTheCallsInFlight()
    {
        await using var fake = await FastlyFake.StartAsync();
        fake.ResponseDelay = TimeSpan.FromMilliseconds(100);

        var outcome = await Provider(fake, options => options.Concurrency = 3).PurgeAsync(AnonymousUrls.Create(12), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(12, fake.Purges.Count);
        Assert.InRange(fake.MaxInFlight, 2, 3);
    }

    [Fact]
    public async Task Fastly_Logs_NeverHoldTheKey()
    {
        await using var fake = await FastlyFake.StartAsync();
        var capture = new LogCapture();

        await Provider(fake, logger: capture.CreateLogger<FastlyPurgeProvider>()).PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);
        await Provider(fake, options => options.ApiToken = "wrong-" + fake.ApiKey, logger: capture.CreateLogger<FastlyPurgeProvider>())
            .PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Contains(capture.Entries, e => e.Contains("[4201]", StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("[4202]", StringComparison.Ordinal));
        Assert.DoesNotContain(fake.ApiKey, capture.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fastly_Options_ToStringHidesTheToken() =>
        Assert.DoesNotContain("tok-123", new FastlyOptions { ApiToken = "tok-123" }.ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task Fastly_WholeCache_OfAServiceTheAccountDoesNotHave_IsRefusedPermanently_AgainstTheWholeCache()
    {
        await using var fake = await FastlyFake.StartAsync();

        var outcome = await Provider(fake).PurgeWholeCacheAsync(new Company { Id = 9, Name = "Acme", RootId = "Acme", FastlyServiceId = "NoSuchService" }, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(new UrlFailure("c|9 whole cache", 404, "Fastly 404 Record not found: Cannot find service 'NoSuchService'"), Assert.Single(outcome.Failures));
        Assert.Empty(fake.ServicePurges);
    }

    private static FastlyPurgeProvider Provider(
        FastlyFake fake,
        Action<FastlyOptions>? change = null,
        TimeProvider? clock = null,
        ILogger<FastlyPurgeProvider>? logger = null)
    {
        var options = new FastlyOptions { ApiToken = fake.ApiKey, BaseUri = fake.BaseUri };
        change?.Invoke(options);
        return new FastlyPurgeProvider(Http, Options.Create(options), clock ?? TimeProvider.System, NoRateBudget.Create(clock), logger ?? NullLogger<FastlyPurgeProvider>.Instance);
    }
}
