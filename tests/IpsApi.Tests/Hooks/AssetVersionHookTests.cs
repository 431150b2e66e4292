using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IpsApi.Core.Hooks;
using IpsApi.Core.Invalidation;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IpsApi.Tests.Hooks;

/// <summary>
/// <c>POST /hooks/asset-version</c> on a real PostgreSQL: what a signed delivery stores, each refusal's status as problem
/// details with nothing stored, the 64 KiB limit at its edge, and replays (one after the other, and racing).
/// </summary>
public sealed class AssetVersionHookTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task SignedDelivery_Is202WithTheHandle_StoredAsAutomatic_WithEveryTemplateUrl_SubmittedByTheHook()
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = $$"""{"companyHandle":"{{acme.Company.Handle}}","assetIds":["spinset","shoe"],"version":7}""";

        using var response = await HookCompany.PostAsync(Server, body, acme.Sign(body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var handle = answer.GetProperty("handle").GetString()!;
        Assert.Equal((6, false), (answer.GetProperty("urlCount").GetInt32(), answer.GetProperty("replayed").GetBoolean()));
        var stored = await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().Include(r => r.Batches).SingleAsync(r => r.CompanyId == acme.Company.Id));
        Assert.Equal(handle, stored.Handle);
        Assert.Equal((InvalidationKinds.Automatic, AssetVersionHook.SubmitterName, (int?)null), (stored.Kind, stored.SubmittedBy, stored.UserId));
        var image = $"https://{acme.Company.PublishHosts[0]}/is/image/{acme.Company.RootId}/";
        Assert.Equal(
            [.. new[] { "spinset", "shoe" }.SelectMany(asset => HookCompany.Presets.Select(p => image + asset + p))],
            stored.Batches.SelectMany(b => b.Urls));
        var audit = await Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.RequestId == stored.Id));
        Assert.Equal((AuditActions.Submit, AssetVersionHook.SubmitterName, AssetVersionHook.AppName), (audit.Action, audit.UserEmail, audit.AppName));
        Assert.Equal("127.0.0.1", audit.ClientAddress);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("not hex")]
    [InlineData("other scheme")]
    [InlineData("short")]
    [InlineData("unknown secret")]
    [InlineData("tampered body")]
    public async Task BadOrMissingSignature_Is401_AsProblemDetails_AndStoresNothing(string how)
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = acme.Body("spinset");
        var mac = acme.Sign(body)["sha256=".Length..];
        var (sent, signature) = how switch
        {
            "none" => (body, null),
            "not hex" => (body, "sha256=" + new string('z', 64)),
            "other scheme" => (body, "sha1=" + mac),
            "short" => (body, "sha256=" + mac[..63]),
            "unknown secret" => (body, AssetVersionSignature.Header("whsec_" + new string('0', 64), Encoding.UTF8.GetBytes(body))),
            _ => (acme.Body("spinset2"), acme.Sign(body)),
        };

        using var response = await HookCompany.PostAsync(Server, sent, signature);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Bad signature");
        Assert.Equal(0, await RequestsOfAsync(acme));
    }

    [Fact]
    public async Task UnknownCompany_AndACompanyTheSecretIsNotOf_AreTheSame404_AndStoreNothing()
    {
        var acme = await HookCompany.AddAsync(Server);
        var other = await HookCompany.AddAsync(Server);
        var unknownBody = """{"companyHandle":"c|999999","assetId":"spinset"}""";
        var foreignBody = other.Body("spinset");

        using var unknown = await HookCompany.PostAsync(Server, unknownBody, acme.Sign(unknownBody));
        using var foreign = await HookCompany.PostAsync(Server, foreignBody, acme.Sign(foreignBody));

        var unknownDetail = await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "Not found");
        var foreignDetail = await AssertProblemAsync(foreign, HttpStatusCode.NotFound, "Not found");
        Assert.Equal(unknownDetail.Replace("c|999999", "X", StringComparison.Ordinal), foreignDetail.Replace(other.Company.Handle, "X", StringComparison.Ordinal));
        Assert.Equal(0, await RequestsOfAsync(other));
    }

    [Fact]
    public async Task CompanyWithoutATemplate_Is422()
    {
        var bare = await HookCompany.AddAsync(Server, template: false);
        var body = bare.Body("spinset");

        using var response = await HookCompany.PostAsync(Server, body, bare.Sign(body));

        var detail = await AssertProblemAsync(response, (HttpStatusCode)422, "No CDN invalidation template");
        Assert.StartsWith("Failed to retrieve URLs for selected assets.", detail, StringComparison.Ordinal);
        Assert.Equal(0, await RequestsOfAsync(bare));
    }

    [Theory]
    [InlineData("{\"companyHandle\":", "The body is not well-formed JSON.")]
    [InlineData("[]", "The body is not a JSON object.")]
    [InlineData("{\"assetId\":\"x\"}", "The body has no companyHandle string.")]
    [InlineData("{\"companyHandle\":\"HANDLE\"}", "The body names no asset: give assetId or assetIds.")]
    [InlineData("{\"companyHandle\":\"HANDLE\",\"assetIds\":[\"a\",1]}", "assetIds is not an array of strings.")]
    [InlineData("{\"companyHandle\":\"HANDLE\",\"assetId\":{\"a\":{\"b\":{\"c\":{}}}}}", "The body is not well-formed JSON.")]
    public async Task MalformedBody_SignedCorrectly_Is400(string template, string detail)
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = template.Replace("HANDLE", acme.Company.Handle, StringComparison.Ordinal);

        using var response = await HookCompany.PostAsync(Server, body, acme.Sign(body));

        Assert.Equal(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Malformed body"));
        Assert.Equal(0, await RequestsOfAsync(acme));
    }

    [Fact]
    public async Task AnAssetIdTheRulesRefuse_IsTheIpsFaultAsProblemDetails()
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = acme.Body("a b");

        using var response = await HookCompany.PostAsync(Server, body, acme.Sign(body));

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(30001, problem.GetProperty("faultCode").GetInt32());
        Assert.StartsWith("Failed to retrieve URLs for selected assets. Asset ID 1 'a b'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_Of64KiB_IsTaken_OneByteMore_Is413_AlsoWhenItsLengthIsNotAnnounced()
    {
        var acme = await HookCompany.AddAsync(Server);
        string Padded(int length)
        {
            var start = $$"""{"companyHandle":"{{acme.Company.Handle}}","assetId":"spinset" """;
            return start + new string(' ', length - start.Length - 1) + "}";
        }

        var fits = Padded(AssetVersionHook.MaxBodyBytes);
        var tooLarge = Padded(AssetVersionHook.MaxBodyBytes + 1);
        using var taken = await HookCompany.PostAsync(Server, fits, acme.Sign(fits));
        using var refused = await HookCompany.PostAsync(Server, tooLarge, acme.Sign(tooLarge));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/hooks/asset-version")
        {
            Content = new StreamContent(new UnannouncedStream(Encoding.UTF8.GetBytes(tooLarge))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.Add(AssetVersionSignature.HeaderName, acme.Sign(tooLarge));
        using var unannounced = await Server.Http.SendAsync(chunked);

        Assert.Equal(AssetVersionHook.MaxBodyBytes, Encoding.UTF8.GetByteCount(fits));
        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        await AssertProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, "Body too large");
        Assert.Null(chunked.Content.Headers.ContentLength);
        await AssertProblemAsync(unannounced, HttpStatusCode.RequestEntityTooLarge, "Body too large");
        Assert.Equal(1, await RequestsOfAsync(acme));
    }

    [Fact]
    public async Task Replay_OfTheSameBody_AnswersTheSameHandle_AndStoresNothingNew_AnotherBodyIsANewRequest()
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = acme.Body("spinset");

        var first = await AcceptedAsync(await HookCompany.PostAsync(Server, body, acme.Sign(body)));
        var replay = await AcceptedAsync(await HookCompany.PostAsync(Server, body, acme.Sign(body)));
        var other = await AcceptedAsync(await HookCompany.PostAsync(Server, acme.Body("shoe"), acme.Sign(acme.Body("shoe"))));

        Assert.Equal((first.Handle, false), (first.Handle, first.Replayed));
        Assert.Equal((first.Handle, true), (replay.Handle, replay.Replayed));
        Assert.NotEqual(first.Handle, other.Handle);
        Assert.Equal(2, await RequestsOfAsync(acme));
        Assert.Equal(2, await Server.WithDbAsync(db => db.AuditRecords.CountAsync(a => a.Request!.CompanyId == acme.Company.Id)));
    }

    [Fact]
    public async Task IdenticalDeliveriesAtOnce_StoreOneRequest_AndAllAnswerItsHandle()
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = acme.Body("spinset");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await AcceptedAsync(await HookCompany.PostAsync(Server, body, acme.Sign(body)))));

        Assert.Single(answers.Select(a => a.Handle).Distinct());
        Assert.Single(answers, a => !a.Replayed);
        Assert.Equal(1, await RequestsOfAsync(acme));
    }

    [Fact]
    public async Task DeliveryRacingAnIdenticalOneNotYetCommitted_IsRefusedByTheUniqueIndex_AndAnswersTheWinnersHandle()
    {
        var acme = await HookCompany.AddAsync(Server);
        var body = acme.Body("spinset");
        // The winner: an identical delivery stored but not yet committed, so the loser's first look finds nothing.
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Core.Persistence.IpsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var winner = new InvalidationRequest { CompanyId = acme.Company.Id, Token = InvalidationHandle.NewToken(), SubmittedBy = "winner", CreatedAt = DateTimeOffset.UtcNow };
        db.HookDeliveries.Add(new HookDelivery
        {
            CompanyId = acme.Company.Id,
            BodyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
            ReceivedAt = DateTimeOffset.UtcNow,
            Request = winner,
        });
        await db.SaveChangesAsync();

        var loser = HookCompany.PostAsync(Server, body, acme.Sign(body));
        await WaitUntilAnInsertWaitsForTheIndexAsync(loser);
        await transaction.CommitAsync();
        var answer = await AcceptedAsync(await loser);

        Assert.Equal((winner.Handle, true), (answer.Handle, answer.Replayed));
        Assert.Equal(1, await RequestsOfAsync(acme));
    }

    private async Task WaitUntilAnInsertWaitsForTheIndexAsync(Task pending)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%hook_deliveries%'", connection);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((long)(await waiting.ExecuteScalarAsync())! == 0)
        {
            Assert.False(pending.IsCompleted, "the delivery finished without waiting for the uncommitted identical one");
            Assert.True(DateTime.UtcNow < deadline, "no insert waited for the unique index");
            await Task.Delay(20);
        }
    }

    private Task<int> RequestsOfAsync(HookCompany company) =>
        Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Company.Id));

    private static async Task<(string Handle, bool Replayed)> AcceptedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (answer.GetProperty("handle").GetString()!, answer.GetProperty("replayed").GetBoolean());
        }
    }

    /// <summary>Asserts the status and an RFC 9457 body of that status and title; returns its detail.</summary>
    internal static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(((int)status, title), (problem.GetProperty("status").GetInt32(), problem.GetProperty("title").GetString()));
        return problem.GetProperty("detail").GetString()!;
    }

    /// <summary>A body whose length the client cannot announce, so it is sent chunked.</summary>
    private sealed class UnannouncedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
