using System.Net;
using System.Text;
using System.Text.Json;
using IpsApi.Core.Invalidation;
using IpsApi.Server.Api;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Api;

/// <summary>
/// The JSON API under /api/v1 against real PostgreSQL: the same rules and fault wording as SOAP, as problem details;
/// tenants kept apart (foreign = unknown); API keys as Bearer, on the API only; the body limits at their edges.
/// </summary>
public sealed class JsonApiTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Create_WithApiKey_Answers201WithLocation_AndTheLocationReportsTheRequest()
    {
        var key = await Server.CreateKeyAsync(fixture.CompanyA.Handle);
        var urls = new[] { PostgresServerFixture.Url(fixture.CompanyA, "shoe?$thumbnail$"), PostgresServerFixture.Url(fixture.CompanyA, "shoe?$product$") };

        var created = await Server.PostAsync(JsonApi.Company(fixture.CompanyA.Handle), JsonApi.Bearer(key.Key), JsonApi.UrlsBody(urls));
        var polled = await Server.GetAsync(created.Location!, JsonApi.Bearer(key.Key));

        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var handle = created.String("handle");
        Assert.Equal(InvalidationsApi.InvalidationPath(handle), created.Location);
        Assert.Equal((2, 1), (created.Int("urlCount"), created.Int("estimatedSeconds")));
        Assert.Equal(HttpStatusCode.OK, polled.Status);
        var state = polled.Json;
        Assert.Equal(handle, state.GetProperty("handle").GetString());
        Assert.Equal((InvalidationStatus.Received, "original", "manual"), (state.GetProperty("status").GetString(), state.GetProperty("scope").GetString(), state.GetProperty("kind").GetString()));
        Assert.Equal("apikey:" + key.Info.Prefix, state.GetProperty("submittedBy").GetString());
        Assert.Equal(urls, state.GetProperty("received").EnumerateArray().Select(u => u.GetString()));
        Assert.Empty(state.GetProperty("invalidated").EnumerateArray());
        Assert.Empty(state.GetProperty("failed").EnumerateArray());
        Assert.Equal(2, state.GetProperty("counts").GetProperty("urls").GetInt32());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("timings").GetProperty("completedAt").ValueKind);
    }

    [Fact]
    public async Task ForeignCompanyOrInvalidation_Gets404_WordedAsForAnUnknownOne_ForKeysAndUsersAlike()
    {
        var keyA = await Server.CreateKeyAsync(fixture.CompanyA.Handle);
        var keyB = await Server.CreateKeyAsync(fixture.CompanyB.Handle);
        var ofB = await Server.PostAsync(JsonApi.Company(fixture.CompanyB.Handle), JsonApi.Bearer(keyB.Key), JsonApi.UrlsBody(PostgresServerFixture.Url(fixture.CompanyB, "b")));
        Assert.Equal(HttpStatusCode.Created, ofB.Status);
        var handleB = ofB.String("handle");
        var forged = handleB[..^1] + (handleB[^1] == 'A' ? 'B' : 'A');
        const string Unknown = "c|999999";
        var body = JsonApi.UrlsBody(PostgresServerFixture.Url(fixture.CompanyB, "b"));
        var companyDetail = (string handle) => $"Invalid company: '{handle}' does not name a company this user may access.";
        var handleDetail = (string handle) => $"Invalid invalidation handle: '{handle}' does not name a request this user may access.";

        foreach (var auth in new[] { JsonApi.Bearer(keyA.Key), JsonApi.Basic(fixture.CompanyAdminA) })
        {
            (await Server.PostAsync(JsonApi.Company(fixture.CompanyB.Handle), auth, body)).AssertProblem(HttpStatusCode.NotFound, 20000, companyDetail(fixture.CompanyB.Handle), "Not found");
            (await Server.PostAsync(JsonApi.Company(Unknown), auth, body)).AssertProblem(HttpStatusCode.NotFound, 20000, companyDetail(Unknown), "Not found");
            (await Server.GetAsync(JsonApi.Company(fixture.CompanyB.Handle), auth)).AssertProblem(HttpStatusCode.NotFound, 20000, companyDetail(fixture.CompanyB.Handle));
            (await Server.GetAsync(JsonApi.Company(Unknown), auth)).AssertProblem(HttpStatusCode.NotFound, 20000, companyDetail(Unknown));
            (await Server.GetAsync(JsonApi.Invalidation(handleB), auth)).AssertProblem(HttpStatusCode.NotFound, 20000, handleDetail(handleB));
            (await Server.GetAsync(JsonApi.Invalidation(forged), auth)).AssertProblem(HttpStatusCode.NotFound, 20000, handleDetail(forged));
            (await Server.PostAsync(JsonApi.Invalidation(handleB) + "/retry", auth, null)).AssertProblem(HttpStatusCode.NotFound, 20000, handleDetail(handleB));
        }

        // The owner sees it; the admin sees every company's.
        Assert.Equal(HttpStatusCode.OK, (await Server.GetAsync(JsonApi.Invalidation(handleB), JsonApi.Bearer(keyB.Key))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Server.GetAsync(JsonApi.Invalidation(handleB), JsonApi.Basic(fixture.Admin))).Status);
    }

    [Fact]
    public async Task ThousandUrlsOfTheLongestLength_Pass_And1001_Fail_WithTheCoreWording()
    {
        var company = fixture.CompanyA;
        var prefix = PostgresServerFixture.Url(company, "");
        string Longest(int i) => prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + new string('x', InvalidationOptions.MaxUrlLength - prefix.Length - 4);
        var thousand = Enumerable.Range(0, 1000).Select(Longest).ToArray();
        Assert.All(thousand, url => Assert.Equal(InvalidationOptions.MaxUrlLength, url.Length));

        var passed = await Server.PostAsync(JsonApi.Company(company.Handle), JsonApi.Basic(fixture.Admin), JsonApi.UrlsBody(thousand));
        var urls1001 = Enumerable.Range(0, 1001).Select(i => PostgresServerFixture.Url(company, $"u{i}")).ToArray();
        var refused = await Server.PostAsync(JsonApi.Company(company.Handle), JsonApi.Basic(fixture.Admin), JsonApi.UrlsBody(urls1001));

        Assert.True(passed.Status == HttpStatusCode.Created, passed.Body[..Math.Min(500, passed.Body.Length)]);
        Assert.Equal(1000, passed.Int("urlCount"));
        // The rule of cdnCacheInvalidation in the core (SOAP's schema, checked before it, refuses such an envelope first).
        refused.AssertProblem(HttpStatusCode.BadRequest, 30001, "1001 URLs entered; at most 1000 may be invalidated in one request.", "Invalid parameter");
    }

    [Fact]
    public async Task UrlOutsideTheCompany_FaultsTheWholeRequest_AsSoapWordsIt()
    {
        var good = PostgresServerFixture.Url(fixture.CompanyA, "ok");
        var foreign = PostgresServerFixture.Url(fixture.CompanyB, "theirs");

        var json = await Server.PostAsync(JsonApi.Company(fixture.CompanyA.Handle), JsonApi.Basic(fixture.Admin), JsonApi.UrlsBody(good, foreign));
        var soap = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [good, foreign]));
        var empty = await Server.PostAsync(JsonApi.Company(fixture.CompanyA.Handle), JsonApi.Basic(fixture.Admin), """{"urls":[]}""");

        json.AssertProblem(HttpStatusCode.BadRequest, 30001, soap.Fault.Reason);
        Assert.Equal(("ipsApiFault", 30001), (soap.Fault.Element, soap.Fault.Code));
        Assert.Contains(foreign, soap.Fault.Reason, StringComparison.Ordinal);
        empty.AssertProblem(HttpStatusCode.BadRequest, 30002, "No URLs entered to be invalidated.", "Missing parameter");
    }

    [Fact]
    public async Task BadBodies_GetProblemDetails_400ForMalformedOrUnknownMembers_415ForAnotherMediaType()
    {
        var path = JsonApi.Company(fixture.CompanyA.Handle);
        var auth = JsonApi.Basic(fixture.Admin);
        var url = PostgresServerFixture.Url(fixture.CompanyA, "a");

        var unknown = await Server.PostAsync(path, auth, $$"""{"urls":["{{url}}"],"priority":"high"}""");
        var nested = await Server.PostAsync(path, auth, $$$"""{"urls":["{{{url}}}"],"emailConfirmation":{"ccOriginator":true,"bcc":[]}}""");
        var malformed = await Server.PostAsync(path, auth, """{"urls":[""");
        var wrongType = await Server.PostAsync(path, auth, """{"urls":"https://x"}""");
        var text = await Server.PostAsync(path, auth, $$"""{"urls":["{{url}}"]}""", "text/plain");
        var badScope = await Server.PostAsync(path, auth, $$"""{"scope":"everything","urls":["{{url}}"]}""");
        var allWithUrls = await Server.PostAsync(path, auth, $$"""{"scope":"all","urls":["{{url}}"]}""");

        unknown.AssertProblem(HttpStatusCode.BadRequest, 30003, "The request body has a member 'priority' (at $.priority) that this API does not know.", "Invalid request");
        nested.AssertProblem(HttpStatusCode.BadRequest, 30003, "The request body has a member 'bcc' (at $.emailConfirmation.bcc) that this API does not know.");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.StartsWith("The request body is not well-formed JSON: ", malformed.String("detail"), StringComparison.Ordinal);
        wrongType.AssertProblem(HttpStatusCode.BadRequest, 30003, "The request body's value at $.urls has the wrong type.");
        text.AssertProblem(HttpStatusCode.UnsupportedMediaType, 30003, "Content-Type must be application/json.", "Unsupported media type");
        badScope.AssertProblem(HttpStatusCode.BadRequest, 30001, "scope 'everything' is not a scope; use \"original\" or \"all\".");
        allWithUrls.AssertProblem(HttpStatusCode.BadRequest, 30001, "scope \"all\" purges the company's entire cache and takes no urls or assetIds.");
        var stored = await Server.WithDbAsync(db => Task.FromResult(db.InvalidationRequests.Count(r => r.CompanyId == fixture.CompanyA.Id && r.Batches.Any(b => b.Urls.Contains(url)))));
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task BodyOfTheLimit_IsRead_AndOneByteMore_Gets413_WithOrWithoutContentLength()
    {
        var path = JsonApi.Company(fixture.CompanyA.Handle);
        var auth = JsonApi.Basic(fixture.Admin);
        var json = JsonApi.UrlsBody(PostgresServerFixture.Url(fixture.CompanyA, "limit"));
        var limit = (int)ApiOptions.DefaultMaxRequestBodyBytes;
        var atLimit = Encoding.UTF8.GetBytes(json + new string(' ', limit - json.Length));
        var overLimit = Encoding.UTF8.GetBytes(json + new string(' ', limit + 1 - json.Length));
        const string TooLarge = "The request body is larger than 2116536 bytes, the most a request of 1000 URLs of 2048 characters needs.";

        var passed = await Server.SendAsync(HttpMethod.Post, path, auth, Json(new ByteArrayContent(atLimit)));
        var declared = await Server.SendAsync(HttpMethod.Post, path, auth, Json(new ByteArrayContent(overLimit)));
        var chunked = await Server.SendAsync(HttpMethod.Post, path, auth, Json(new ChunkedContent(overLimit)));
        var chunkedAtLimit = await Server.SendAsync(HttpMethod.Post, path, auth, Json(new ChunkedContent(atLimit)));

        Assert.Equal(2_116_536, limit);
        Assert.True(passed.Status == HttpStatusCode.Created, passed.Body);
        declared.AssertProblem(HttpStatusCode.RequestEntityTooLarge, 30003, TooLarge, "Request body too large");
        chunked.AssertProblem(HttpStatusCode.RequestEntityTooLarge, 30003, TooLarge, "Request body too large");
        Assert.Equal(HttpStatusCode.Created, chunkedAtLimit.Status);
    }

    [Fact]
    public async Task MissingOrBadCredentials_Get401ProblemDetails_WithBothChallenges_AndARevokedKeyIsRefused()
    {
        var key = await Server.CreateKeyAsync(fixture.CompanyA.Handle);
        var path = JsonApi.Company(fixture.CompanyA.Handle);
        var before = await Server.GetAsync(path, JsonApi.Bearer(key.Key));

        var none = await Server.GetAsync(path, null);
        var wrongSecret = await Server.GetAsync(path, JsonApi.Bearer(key.Key[..^1] + (key.Key[^1] == 'A' ? 'B' : 'A')));
        var malformed = await Server.GetAsync(path, JsonApi.Bearer("not-a-key"));
        var badPassword = await Server.GetAsync(path, JsonApi.Basic(fixture.Admin with { Password = "wrong-" + fixture.Admin.Password }));
        await Server.RevokeKeyAsync(key.Info.Prefix);
        var revoked = await Server.GetAsync(path, JsonApi.Bearer(key.Key));

        Assert.Equal(HttpStatusCode.OK, before.Status);
        none.AssertProblem(HttpStatusCode.Unauthorized, 10000, "No credentials: send HTTP Basic authentication.", "No credentials");
        Assert.Equal(["Basic realm=\"IpsApi\"", "Bearer realm=\"IpsApi\""], none.Challenges);
        foreach (var refused in new[] { wrongSecret, malformed, revoked })
        {
            refused.AssertProblem(HttpStatusCode.Unauthorized, 10001, "Invalid credentials: the API key is not valid.", "Invalid credentials");
            Assert.Equal(["Bearer realm=\"IpsApi\", error=\"invalid_token\"", "Basic realm=\"IpsApi\""], refused.Challenges);
        }

        badPassword.AssertProblem(HttpStatusCode.Unauthorized, 10001, "Invalid credentials: the user name or password is not correct.");
    }

    [Fact]
    public async Task ApiKey_IsNoCredentialOnSoap()
    {
        var key = await Server.CreateKeyAsync(fixture.CompanyA.Handle);

        var reply = await Server.PostAsync(
            Envelopes.Invalidate("", fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "soap")]),
            configure: request => request.Headers.Authorization = JsonApi.Bearer(key.Key));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal(("authenticationFault", 10000), (reply.Fault.Element, reply.Fault.Code));
    }

    [Fact]
    public async Task Log_IsListedNewestFirst_APageAtATime_ByItsNextLink()
    {
        var company = await Server.AddCompanyAsync();
        var key = await Server.CreateKeyAsync(company.Handle);
        var auth = JsonApi.Bearer(key.Key);
        var handles = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            handles.Add((await Server.PostAsync(JsonApi.Company(company.Handle), auth, JsonApi.UrlsBody(PostgresServerFixture.Url(company, $"p{i}")))).String("handle"));
        }

        var seen = new List<string>();
        var pages = new List<int>();
        string? next = JsonApi.Company(company.Handle) + "?limit=2&kind=manual";
        while (next is not null)
        {
            var page = await Server.GetAsync(next, auth);
            Assert.True(page.Status == HttpStatusCode.OK, page.Body);
            var items = page.Json.GetProperty("items").EnumerateArray().ToList();
            pages.Add(items.Count);
            seen.AddRange(items.Select(item => item.GetProperty("handle").GetString()!));
            next = page.Json.GetProperty("next").GetString();
            Assert.True(next is null || next.Contains("kind=manual&limit=2&cursor=", StringComparison.Ordinal), next);
        }

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(Enumerable.Reverse(handles), seen);
        var automatic = await Server.GetAsync(JsonApi.Company(company.Handle) + "?kind=automatic", auth);
        Assert.Empty(automatic.Json.GetProperty("items").EnumerateArray());
        (await Server.GetAsync(JsonApi.Company(company.Handle) + "?cursor=bogus", auth)).AssertProblem(
            HttpStatusCode.BadRequest, 30001, "cursor 'bogus' is not a cursor of this listing: pass the 'next' link of the previous page as it is.");
        (await Server.GetAsync(JsonApi.Company(company.Handle) + "?status=Finished", auth)).AssertProblem(
            HttpStatusCode.BadRequest, 30001, "status 'Finished' is not a status an invalidation can have; use one of Received, FlushingOrigin, FlushingCdn, Done, ERROR_CDN_NODE, ERROR.");
        (await Server.GetAsync(JsonApi.Company(company.Handle) + "?limit=201", auth)).AssertProblem(
            HttpStatusCode.BadRequest, 30001, "limit '201' must be a whole number from 1 to 200.");
        Assert.Equal(HttpStatusCode.OK, (await Server.GetAsync(JsonApi.Company(company.Handle) + "?limit=200&status=Received&since=2020-01-01T00:00:00Z", auth)).Status);
    }

    [Fact]
    public async Task Template_IsPutAndReadAsText_AndAssetIdsExpandThroughIt_WithTheTemplateRules()
    {
        var company = await Server.AddCompanyAsync();
        var other = await Server.AddCompanyAsync();
        var key = await Server.CreateKeyAsync(company.Handle);
        var auth = JsonApi.Bearer(key.Key);
        var path = $"/api/v1/companies/{Uri.EscapeDataString(company.Handle)}/template";
        var template = "<ID>\n" + PostgresServerFixture.Url(company, "<ID>?$product$") + "\n";
        var text = (string body) => new StringContent(body, Encoding.UTF8, "text/plain");

        var put = await Server.SendAsync(HttpMethod.Put, path, auth, text(template));
        var got = await Server.GetAsync(path, auth);
        var created = await Server.PostAsync(JsonApi.Company(company.Handle), auth, """{"urls":[],"assetIds":["shoe","hat"]}""");
        var state = await Server.GetAsync(created.Location!, auth);
        var tooLong = await Server.SendAsync(HttpMethod.Put, path, auth, text("<ID>" + new string('x', 2497)));
        var longest = await Server.SendAsync(HttpMethod.Put, path, auth, text("<ID>" + new string('x', 2496)));
        var noPlaceholder = await Server.SendAsync(HttpMethod.Put, path, auth, text("https://example.test/no-id"));
        var json = await Server.SendAsync(HttpMethod.Put, path, auth, new StringContent("{}", Encoding.UTF8, "application/json"));
        var foreign = await Server.GetAsync($"/api/v1/companies/{Uri.EscapeDataString(other.Handle)}/template", auth);
        var removed = await Server.SendAsync(HttpMethod.Put, path, auth, text(""));
        var none = await Server.PostAsync(JsonApi.Company(company.Handle), auth, """{"assetIds":["shoe"]}""");

        Assert.Equal(HttpStatusCode.NoContent, put.Status);
        Assert.Equal((HttpStatusCode.OK, "text/plain", template), (got.Status, got.MediaType, got.Body));
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        Assert.Equal(
            [PostgresServerFixture.Url(company, "shoe"), PostgresServerFixture.Url(company, "shoe?$product$"),
             PostgresServerFixture.Url(company, "hat"), PostgresServerFixture.Url(company, "hat?$product$")],
            state.Json.GetProperty("received").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal(30001, tooLong.Json.GetProperty("faultCode").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, longest.Status);
        noPlaceholder.AssertProblem(HttpStatusCode.BadRequest, 30001,
            "CDN invalidation template line 1 'https://example.test/no-id' has no <ID>: every entry must say where the asset ID goes.");
        json.AssertProblem(HttpStatusCode.UnsupportedMediaType, 30003, "Content-Type must be text/plain; charset=utf-8.");
        foreign.AssertProblem(HttpStatusCode.NotFound, 20000, $"Invalid company: '{other.Handle}' does not name a company this user may access.");
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.StartsWith("Failed to retrieve URLs for selected assets.", none.String("detail"), StringComparison.Ordinal);
    }

    private static HttpContent Json(HttpContent content)
    {
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A body sent chunked, without Content-Length: the limit must hold while it is read.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
