using System.Net;
using System.Text;
using IpsApi.Core.Companies;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Akamai;
using IpsApi.Core.Purge.Budget;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Purge;

/// <summary>The Akamai provider against <see cref="AkamaiFake"/>, which checks signatures, body size and rate limits as Akamai does.</summary>
public sealed class AkamaiPurgeProviderTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Akamai_Objects_AreTheCanonicalTargets_SchemeAndHostLowerCasedDefaultPortDropped_PathNotReencoded()
    {
        await using var fake = await AkamaiFake.StartAsync();

        var outcome = await Provider(fake).PurgeAsync(
            ["HTTPS://IMAGES.Example.com:443/is/image/acme/%41%7e?$x$", "http://images.example.com:80/is/image/acme/a%20b"], CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(["https://images.example.com/is/image/acme/%41%7e?$x$", "http://images.example.com/is/image/acme/a%20b"], Assert.Single(fake.Purges).Urls);
    }

    [Fact]
    public async Task Akamai_SignedPurge_IsAcceptedWithPurgeIdSupportIdAndAkamaisEstimate()
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.EstimatedSeconds = 7;
        var state = new AkamaiPurgeState();
        var provider = Provider(fake, state: state);
        var urls = AnonymousUrls.Create(3);
        Assert.Equal(5, provider.EstimatedSeconds);

        var outcome = await provider.PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        var purge = Assert.Single(fake.Purges);
        Assert.Equal(("invalidate", "production"), (purge.Action, purge.Network));
        Assert.Equal(urls, purge.Urls);
        Assert.Equal($"akamai purgeId={purge.PurgeId} supportId={purge.SupportId} estimatedSeconds=7", outcome.Receipt);
        Assert.Equal(7, outcome.EstimatedSeconds);
        Assert.Equal(7, provider.EstimatedSeconds);
        Assert.Equal(7, Provider(fake, state: state).EstimatedSeconds);
    }

    [Fact]
    public async Task Akamai_StagingDelete_IsSentToTheStagingDeletePath()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var provider = Provider(fake, options => (options.Network, options.Action) = ("staging", "delete"));

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(("delete", "staging"), (fake.Purges[0].Action, fake.Purges[0].Network));
    }

    [Fact]
    public async Task Akamai_WrongSecret_IsPermanent401WithAkamaisReason()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var urls = AnonymousUrls.Create(2);
        var provider = Provider(fake, options => options.ClientSecret = Convert.ToBase64String(Guid.NewGuid().ToByteArray()));

        var outcome = await provider.PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(urls, outcome.Failures.Select(f => f.Url));
        Assert.All(outcome.Failures, failure =>
        {
            Assert.Equal(401, failure.Code);
            Assert.StartsWith("Akamai 401 Not authorized: The signature does not match", failure.Reason, StringComparison.Ordinal);
        });
        Assert.Empty(fake.Purges);
    }

    [Theory]
    [InlineData("client", "Invalid authorization client token")]
    [InlineData("access", "Invalid authorization access token")]
    public async Task Akamai_UnknownToken_IsPermanent401NamingTheToken(string token, string detail)
    {
        await using var fake = await AkamaiFake.StartAsync();
        var provider = Provider(fake, options =>
        {
            if (token == "client")
            {
                options.ClientToken = "akab-someone-else";
            }
            else
            {
                options.AccessToken = "akab-someone-else";
            }
        });

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Contains(detail, Assert.Single(outcome.Failures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_ClockTenMinutesOff_IsRefusedAsInvalidTimestamp()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var provider = Provider(fake, clock: new ManualClock(DateTimeOffset.UtcNow.AddMinutes(10)));

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Contains("Invalid timestamp", outcome.Failures[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_EachRequest_CarriesAFreshNonce()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var provider = Provider(fake);

        // The fake refuses a nonce it has seen: three accepted purges prove three nonces.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None)).Kind);
        }

        Assert.Equal(3, fake.Purges.Count);
    }

    [Fact]
    public async Task Akamai_BodyOver50000Bytes_IsSplitIntoSeveralSignedRequests()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var urls = AnonymousUrls.Create(100, length: 2000);

        var outcome = await Provider(fake).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        var purges = fake.Purges;
        Assert.True(purges.Count >= 5, $"{purges.Count} requests for about 200,000 bytes of URLs");
        Assert.All(purges, purge => Assert.InRange(purge.BodyBytes, 1, 50_000));
        Assert.Equal(urls, purges.SelectMany(p => p.Urls));
        Assert.Equal(purges.Count, outcome.Receipt!.Split("; ").Length);
        Assert.All(purges, purge => Assert.Contains($"purgeId={purge.PurgeId} ", outcome.Receipt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Akamai_UrlsNeedingEscapesOrMultibyteText_AreSplitByTheirSerializedBytes()
    {
        await using var fake = await AkamaiFake.StartAsync();
        // 'é' is two UTF-8 bytes and a quote or backslash two escaped bytes: counted in characters, each URL would look half its size.
        var urls = Enumerable.Range(0, 40)
            .Select(i => $"https://images.example.com/is/image/acme/{i}-" + new string('é', 60) + "\"\\" + new string('x', 20))
            .ToArray();

        var outcome = await Provider(fake, options => options.MaxBodyBytes = 1000).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Succeeded, outcome.Kind);
        Assert.All(fake.Purges, purge => Assert.InRange(purge.BodyBytes, 1, 1000));
        Assert.Equal(urls, fake.Purges.SelectMany(p => p.Urls));
        // A body is filled as far as the limit allows, not cut early.
        Assert.Contains(fake.Purges, purge => purge.BodyBytes > 1000 - 200);
    }

    [Fact]
    public async Task Akamai_FakeRefusesBodyOver50000Bytes_With413()
    {
        await using var fake = await AkamaiFake.StartAsync();
        const string path = "/ccu/v3/invalidate/url/production";
        var prefix = "{\"objects\":[\"https://images.example.com/";
        var body = Encoding.UTF8.GetBytes(prefix + new string('a', 50_001 - prefix.Length - 3) + "\"]}");
        Assert.Equal(50_001, body.Length);

        using var response = await PostSigned(fake, path, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(fake.Purges);
    }

    [Fact]
    public async Task Akamai_BodyLimitSetAboveAkamais_GetsPermanent413FromAkamai()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var urls = AnonymousUrls.Create(28, length: 2000);

        var outcome = await Provider(fake, options => options.MaxBodyBytes = 60_000).PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.All(outcome.Failures, failure => Assert.Equal(413, failure.Code));
        Assert.StartsWith("Akamai 413 Request Entity Too Large: The request body is", outcome.Failures[0].Reason, StringComparison.Ordinal);
        Assert.Empty(fake.Purges);
    }

    [Fact]
    public async Task Akamai_UrlThatCannotFitAlone_IsRefusedWithoutSendingAnything()
    {
        await using var fake = await AkamaiFake.StartAsync();
        var urls = AnonymousUrls.Create(3);
        string[] withLong = [urls[0], "https://images.example.com/" + new string('a', 2000), urls[1]];

        var outcome = await Provider(fake, options => options.MaxBodyBytes = 1000).PurgeAsync(withLong, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(withLong[1], Assert.Single(outcome.Failures).Url);
        Assert.Equal(0, fake.Received);
    }

    [Theory]
    [InlineData("{\"objects\":[")]
    [InlineData("{\"objects\":[]}")]
    [InlineData("{\"objects\":\"https://images.example.com/a\"}")]
    [InlineData("{\"objects\":[1]}")]
    [InlineData("[]")]
    public async Task Akamai_FakeRefusesMalformedBodyOrEmptyObjects_With400(string json)
    {
        await using var fake = await AkamaiFake.StartAsync();

        using var response = await PostSigned(fake, "/ccu/v3/invalidate/url/production", Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fake.Purges);
    }

    [Fact]
    public async Task Akamai_FakeRefusesAReusedNonce()
    {
        await using var fake = await AkamaiFake.StartAsync();
        const string path = "/ccu/v3/invalidate/url/production";
        var body = Encoding.UTF8.GetBytes("{\"objects\":[\"https://images.example.com/a\"]}");
        var authorization = fake.Sign(path, body);

        using var first = await PostSigned(fake, path, body, authorization);
        using var second = await PostSigned(fake, path, body, authorization);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("Nonce already used", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(fake.Purges);
    }

    [Fact]
    public async Task Akamai_FakeRefusesABodyChangedAfterSigning()
    {
        await using var fake = await AkamaiFake.StartAsync();
        const string path = "/ccu/v3/invalidate/url/production";
        var authorization = fake.Sign(path, Encoding.UTF8.GetBytes("{\"objects\":[\"https://images.example.com/a\"]}"));

        using var response = await PostSigned(fake, path, Encoding.UTF8.GetBytes("{\"objects\":[\"https://images.example.com/b\"]}"), authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(fake.Purges);
    }

    [Fact]
    public async Task Akamai_RequestBucketEmpty_IsThrottledWithDelayFromHeadersAndNothingRecorded()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        // One request token, refilled at one every ten seconds.
        await using var fake = await AkamaiFake.StartAsync(clock, requestBucket: 1, requestsPerSecond: 0.1);
        var provider = Provider(fake, clock: clock);
        Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None)).Kind);
        var throttledUrls = AnonymousUrls.Create(2);

        var outcome = await provider.PurgeAsync(throttledUrls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), outcome.RetryAfter);
        Assert.StartsWith("Akamai 429 Rate Limit exceeded", outcome.Reason, StringComparison.Ordinal);
        Assert.Single(fake.Purges);

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(throttledUrls, CancellationToken.None)).Kind);
        Assert.Equal(throttledUrls, fake.Purges[1].Urls);
    }

    [Fact]
    public async Task Akamai_RequestBucketRefillingFast_WaitsAkamaisFiveSeconds()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var fake = await AkamaiFake.StartAsync(clock, requestBucket: 1, requestsPerSecond: 50);
        var provider = Provider(fake, clock: clock);
        await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.RetryAfter);
    }

    [Fact]
    public async Task Akamai_UrlBucketShort_IsThrottledUntilEnoughUrlTokensRefill()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        // Ten URL tokens, one more a second.
        await using var fake = await AkamaiFake.StartAsync(clock, urlBucket: 10, urlsPerSecond: 1);
        var provider = Provider(fake, clock: clock);
        Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(AnonymousUrls.Create(8), CancellationToken.None)).Kind);

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(8), CancellationToken.None);

        // 2 tokens left, 8 needed: 6 s at 1 a second (longer than Akamai's 5 s advice).
        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(6), outcome.RetryAfter);
        Assert.StartsWith("Akamai 429 URL Rate Limit exceeded", outcome.Reason, StringComparison.Ordinal);
        Assert.Single(fake.Purges);
    }

    [Fact]
    public async Task Akamai_LaterPartThrottled_ReportsThrottledForTheWholeBatch()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var fake = await AkamaiFake.StartAsync(clock, requestBucket: 2, requestsPerSecond: 0.1);

        var outcome = await Provider(fake, clock: clock).PurgeAsync(AnonymousUrls.Create(75, length: 2000), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Throttled, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), outcome.RetryAfter);
        Assert.Equal(2, fake.Purges.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Akamai_ServerError_IsTransientWithTheStatus(int status)
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.FailNext(1, status);
        var provider = Provider(fake);
        var urls = AnonymousUrls.Create(2);

        var outcome = await provider.PurgeAsync(urls, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(urls, outcome.Failures.Select(f => f.Url));
        Assert.All(outcome.Failures, failure => Assert.Equal(status, failure.Code));
        Assert.Empty(fake.Purges);
        Assert.Equal(PurgeOutcomeKind.Succeeded, (await provider.PurgeAsync(urls, CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task Akamai_NoAnswerInTime_IsTransientWithCodeZero()
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.ResponseDelay = TimeSpan.FromSeconds(5);
        var provider = Provider(fake, options => options.Timeout = TimeSpan.FromMilliseconds(200));

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, outcome.Failures[0].Code);
        Assert.Contains("did not answer within 0.2 s", outcome.Failures[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_Unreachable_IsTransientWithCodeZero()
    {
        var fake = await AkamaiFake.StartAsync();
        var provider = Provider(fake);
        await fake.DisposeAsync();

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, outcome.Failures[0].Code);
        Assert.StartsWith("Akamai could not be reached", outcome.Failures[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_CallerCancels_CancellationIsNotReportedAsAnOutcome()
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.ResponseDelay = TimeSpan.FromSeconds(5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Provider(fake).PurgeAsync(AnonymousUrls.Create(1), cancel.Token));
    }

    [Fact]
    public async Task Akamai_Logs_NeverHoldTheCredentialsOrTheSignature()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var fake = await AkamaiFake.StartAsync(clock, requestBucket: 1, requestsPerSecond: 0.1);
        var capture = new LogCapture();
        var provider = Provider(fake, clock: clock, logger: capture.CreateLogger<AkamaiPurgeProvider>());

        await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None); // accepted
        await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None); // throttled
        fake.FailNext(1);
        clock.Advance(TimeSpan.FromSeconds(10));
        await provider.PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None); // 503
        await Provider(fake, options => options.ClientSecret = "d3JvbmctYnV0LWxvbmctZW5vdWdoLXNlY3JldA==", clock: clock, logger: capture.CreateLogger<AkamaiPurgeProvider>())
            .PurgeAsync(AnonymousUrls.Create(1), CancellationToken.None); // 401

        Assert.Contains(capture.Entries, e => e.Contains("[4101]", StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("[4102]", StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("[4103]", StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("[4104]", StringComparison.Ordinal));
        AssertNoSecrets(capture.Text, fake.Credentials, "d3JvbmctYnV0LWxvbmctZW5vdWdoLXNlY3JldA==");
    }

    internal static void AssertNoSecrets(string text, EdgeGridCredentials credentials, params string[] more)
    {
        foreach (var secret in more.Append(credentials.ClientSecret).Append(credentials.AccessToken).Append(credentials.ClientToken))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("signature=", text, StringComparison.Ordinal);
        Assert.DoesNotContain(EdgeGridSigner.Algorithm, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_WholeCache_NamingACpCodeOfAnotherAccount_IsRefusedPermanently_AgainstTheWholeCache()
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.CpCodes.Add(1);

        var outcome = await Provider(fake).PurgeWholeCacheAsync(new Company { Id = 9, Name = "Acme", RootId = "Acme", AkamaiCpCodes = [1, 2] }, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        var failure = Assert.Single(outcome.Failures);
        Assert.Equal(("c|9 whole cache", 403), (failure.Url, failure.Code));
        Assert.Contains("You are not authorized to purge CP code 2.", failure.Reason, StringComparison.Ordinal);
        Assert.Empty(fake.Purges);
    }

    [Fact]
    public async Task Akamai_WholeCache_OfACompanyWithoutCpCodes_FailsWithoutCallingAkamai_NamingTheSetting()
    {
        await using var fake = await AkamaiFake.StartAsync();

        var outcome = await Provider(fake).PurgeWholeCacheAsync(new Company { Id = 9, Name = "Acme", RootId = "Acme" }, CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.EndsWith("ipsapi company update c|9 --akamai-cpcode N", Assert.Single(outcome.Failures).Reason, StringComparison.Ordinal);
        Assert.Equal(0, fake.Received);
    }

    private static AkamaiPurgeProvider Provider(
        AkamaiFake fake,
        Action<AkamaiOptions>? change = null,
        TimeProvider? clock = null,
        AkamaiPurgeState? state = null,
        ILogger<AkamaiPurgeProvider>? logger = null)
    {
        var options = new AkamaiOptions
        {
            Host = "akab-test.purge.akamaiapis.net",
            BaseUri = fake.BaseUri,
            ClientToken = fake.Credentials.ClientToken,
            AccessToken = fake.Credentials.AccessToken,
            ClientSecret = fake.Credentials.ClientSecret,
            // The budget shared through the store is tested in RateBudgetTests; here only Akamai's own buckets count.
            Budget = new RateBudgetOptions(),
        };
        change?.Invoke(options);
        return new AkamaiPurgeProvider(
            Http,
            Options.Create(options),
            clock ?? TimeProvider.System,
            state ?? new AkamaiPurgeState(),
            NoRateBudget.Create(clock),
            logger ?? NullLogger<AkamaiPurgeProvider>.Instance);
    }

    private static async Task<HttpResponseMessage> PostSigned(AkamaiFake fake, string path, byte[] body, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.BaseUri, path)) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization ?? fake.Sign(path, body));
        return await Http.SendAsync(request);
    }
}
