using System.Net;
using System.Text.Json;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Purge;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Api;

/// <summary>A JSON client with an API key, through purge workers on PostgreSQL: create, poll until Done, list; a failed request retried.</summary>
public sealed class JsonApiLifecycleTests
{
    [Fact]
    public async Task JsonClientWithAKeyFromTheCli_CreatesPollsUntilDoneAndListsInvalidations()
    {
        var origin = new ScriptedProvider("origin-script", ScriptedProvider.Ok);
        var cdn = new ScriptedProvider("cdn-script", ScriptedProvider.Ok);
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?> { ["Purge:Origin"] = "origin-script", ["Purge:Cdn"] = "cdn-script" }, origin, cdn);
        var key = await CreateKeyWithCliAsync(stack);
        var auth = JsonApi.Bearer(key);
        var urls = new[] { stack.Url("shoe?$thumbnail$"), stack.Url("shoe?$product$") };

        var created = await stack.Server.PostAsync(JsonApi.Company(stack.Company.Handle), auth, JsonApi.UrlsBody(urls));
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var done = await PollAsync(stack.Server, created.Location!, auth, InvalidationStatus.Done);
        var list = await stack.Server.GetAsync(JsonApi.Company(stack.Company.Handle), auth);

        Assert.Equal(urls, done.GetProperty("invalidated").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(urls, done.GetProperty("received").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(2, done.GetProperty("counts").GetProperty("invalidated").GetInt32());
        Assert.Equal(JsonValueKind.String, done.GetProperty("timings").GetProperty("completedAt").ValueKind);
        Assert.Equal(0, done.GetProperty("timings").GetProperty("remainingSeconds").GetInt32());
        var item = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal((created.String("handle"), InvalidationStatus.Done), (item.GetProperty("handle").GetString(), item.GetProperty("status").GetString()));
        Assert.Equal([urls], cdn.Calls);
    }

    [Fact]
    public async Task FailedRequest_ShowsFailedUrlsWithReasons_AndRetryThroughTheApi_ReachesDone()
    {
        var refusals = 0;
        var origin = new ScriptedProvider("origin-script", ScriptedProvider.Ok);
        var cdn = new ScriptedProvider("cdn-script", targets => Interlocked.Increment(ref refusals) == 1
            ? PurgeOutcome.Permanent(PurgeOutcome.All(targets, 403, "Forbidden: not authorized to purge this host"))
            : PurgeOutcome.Succeeded());
        await using var stack = await PurgeStack.StartAsync(
            new Dictionary<string, string?> { ["Purge:Origin"] = "origin-script", ["Purge:Cdn"] = "cdn-script" }, origin, cdn);
        var auth = JsonApi.Basic(stack.Admin);
        var url = stack.Url("banner.jpg");
        var created = await stack.Server.PostAsync(JsonApi.Company(stack.Company.Handle), auth, JsonApi.UrlsBody(url));

        var failed = await PollAsync(stack.Server, created.Location!, auth, InvalidationStatus.ErrorCdnNode);
        var retried = await stack.Server.PostAsync(created.Location + "/retry", auth, null);
        var done = await PollAsync(stack.Server, created.Location!, auth, InvalidationStatus.Done);
        var again = await stack.Server.PostAsync(created.Location + "/retry", auth, null);

        var failure = Assert.Single(failed.GetProperty("failed").EnumerateArray());
        Assert.Equal(url, failure.GetProperty("url").GetString());
        var reason = Assert.Single(failure.GetProperty("reasons").EnumerateArray());
        Assert.Equal(403, reason.GetProperty("code").GetInt32());
        Assert.Equal($"cdn-script: {url}: Forbidden: not authorized to purge this host", reason.GetProperty("reason").GetString());
        Assert.Empty(failed.GetProperty("invalidated").EnumerateArray());
        Assert.Equal(HttpStatusCode.Accepted, retried.Status);
        Assert.Equal(created.Location, retried.Location);
        Assert.Equal((1, 1, 1), (retried.Int("batches"), retried.Int("retriedUrls"), retried.Int("urlCount")));
        Assert.Equal([url], done.GetProperty("invalidated").EnumerateArray().Select(u => u.GetString()));
        Assert.Empty(done.GetProperty("failed").EnumerateArray());
        again.AssertProblem(HttpStatusCode.BadRequest, 30001, $"Invalidation {created.String("handle")} is Done; there is nothing to retry.");
    }

    private static async Task<string> CreateKeyWithCliAsync(PurgeStack stack)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__IpsApi"] = stack.ConnectionString,
        });
        var (exitCode, output, error) = await cli.RunAsync(null, "apikey", "create", "--company", stack.Company.Handle, "--name", "pipeline");
        Assert.True(exitCode == 0, error);
        return output.TrimEnd().Split('\n')[^1];
    }

    /// <summary>Polls the invalidation until it reaches <paramref name="status"/>; fails after 20 s with the last reply.</summary>
    private static async Task<JsonElement> PollAsync(TestServer server, string location, System.Net.Http.Headers.AuthenticationHeaderValue auth, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var reply = await server.GetAsync(location, auth);
            Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
            if (reply.String("status") == status)
            {
                return reply.Json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"never {status}; last reply: {reply.Body}");
            await Task.Delay(20);
        }
    }
}
