using System.Text.Json;
using IpsApi.Core.Jobs;
using IpsApi.Core.Purge;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Callbacks;

/// <summary>
/// Completion callbacks end to end: a company's callback set with the <c>ipsapi</c> command, a request purged by
/// the workers, and the signed <c>POST</c> taken by a real HTTP receiver that checks the signature with the
/// secret the command printed.
/// </summary>
public sealed class CallbackDeliveryTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Callbacks:RetryBaseDelay"] = "00:00:00.050",
        ["Callbacks:RetryMaxDelay"] = "00:00:00.200",
        ["Callbacks:Timeout"] = "00:00:00.500",
        ["Jobs:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task RequestOf250Urls_IsCalledBackOnce_ThroughFailuresAndATimeout_WithOneDeliveryIdAndAValidSignature()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer(CallbackAnswer.Status(500, "busy"), CallbackAnswer.Status(500), CallbackAnswer.Silence(), CallbackAnswer.Status(204));
        await using var stack = await PurgeStack.StartAsync(FastRetries);
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);
        var urls = Enumerable.Range(0, 250).Select(i => stack.Url($"img-{i}")).ToArray();

        var handle = (await stack.AcceptAsync(urls)).Handle;
        var answered = new List<CallbackReceiver.Delivery>();
        while (answered.Count == 0 || answered[^1].AnsweredWith != 204)
        {
            answered.Add(await receiver.NextAsync());
        }

        var job = await WaitForCallbackJobAsync(stack, JobStatus.Done);
        Assert.Equal(4, receiver.Deliveries.Count);
        Assert.Equal([500, 500, 0, 204], receiver.Deliveries.Select(d => d.AnsweredWith));
        Assert.All(receiver.Deliveries, d => Assert.True(d.SignatureValid, $"signature {d.Signature} does not verify"));
        Assert.Single(receiver.Deliveries.Select(d => d.DeliveryId).Distinct());
        Assert.True(Guid.TryParse(receiver.Deliveries[0].DeliveryId, out _));
        Assert.All(receiver.Deliveries, d => Assert.Equal(("POST", "/hooks/ipsapi?token=t0k3n", "application/json", "IpsApi"), (d.Method, d.PathAndQuery, d.ContentType, d.UserAgent)));
        Assert.Equal(("delivered: HTTP 204", 3), (job.Result, job.Attempt));

        using var body = JsonDocument.Parse(receiver.Deliveries[^1].Body);
        var root = body.RootElement;
        Assert.Equal(receiver.Deliveries[0].DeliveryId, root.GetProperty("deliveryId").GetString());
        Assert.Equal(handle, root.GetProperty("handle").GetString());
        Assert.Equal(stack.Company.Handle, root.GetProperty("company").GetString());
        Assert.Equal(("manual", "urls", "Done"), (root.GetProperty("kind").GetString(), root.GetProperty("scope").GetString(), root.GetProperty("status").GetString()));
        Assert.Equal(stack.Admin.Email, root.GetProperty("submittedBy").GetString());
        Assert.Equal((250, 250, 0), Counts(root));
        Assert.Equal(0, root.GetProperty("failures").GetArrayLength());
        var submitted = root.GetProperty("submittedAt").GetDateTime();
        var settled = root.GetProperty("settledAt").GetDateTime();
        Assert.Equal(DateTimeKind.Utc, settled.Kind);
        Assert.True(settled >= submitted, $"settled {settled:O} before submitted {submitted:O}");
        Assert.Equal(1, await stack.Server.WithDbAsync(db => db.Jobs.CountAsync(j => j.Kind == FollowUpKinds.Callback)));
    }

    [Fact]
    public async Task RequestWhoseBatchFails_IsCalledBackWithErrorAndEachFailedUrlWithItsReason()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var cdn = new ScriptedProvider("cdn-script", targets => targets.Any(t => t.Url.Contains("/bad-", StringComparison.Ordinal))
            ? PurgeOutcome.Permanent(PurgeOutcome.All(targets, 404, "Not Found: no such service"))
            : PurgeOutcome.Succeeded());
        var settings = new Dictionary<string, string?>(FastRetries) { ["Purge:Origin"] = "log", ["Purge:Cdn"] = "cdn-script" };
        await using var stack = await PurgeStack.StartAsync(settings, cdn);
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);
        var urls = Enumerable.Range(0, 100).Select(i => stack.Url($"good-{i}")).Concat(Enumerable.Range(0, 3).Select(i => stack.Url($"bad-{i}"))).ToArray();

        var handle = (await stack.AcceptAsync(urls)).Handle;
        var delivery = await receiver.NextAsync();

        Assert.True(delivery.SignatureValid);
        using var body = JsonDocument.Parse(delivery.Body);
        var root = body.RootElement;
        Assert.Equal((handle, "ERROR_CDN_NODE"), (root.GetProperty("handle").GetString(), root.GetProperty("status").GetString()));
        Assert.Equal((103, 100, 3), Counts(root));
        Assert.Equal(
            urls[100..].Select(url => (url, 404, $"cdn-script: {url}: Not Found: no such service")),
            root.GetProperty("failures").EnumerateArray().Select(f => (f.GetProperty("url").GetString()!, f.GetProperty("code").GetInt32(), f.GetProperty("reason").GetString()!)));
        await WaitForCallbackJobAsync(stack, JobStatus.Done);
        Assert.Single(receiver.Deliveries);
    }

    [Fact]
    public async Task Receiver410Gone_StopsTheDelivery_WithoutRetrying()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer(CallbackAnswer.Status(410, "no such hook"));
        await using var stack = await PurgeStack.StartAsync(FastRetries);
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);

        await stack.AcceptAsync(stack.Url("a"));
        await receiver.NextAsync();
        var job = await WaitForCallbackJobAsync(stack, JobStatus.Failed);

        Assert.Single(receiver.Deliveries);
        Assert.Equal(1, job.Attempt);
        Assert.StartsWith($"http://127.0.0.1:{receiver.Url.Port} answered HTTP 410 Gone: no such hook", job.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAfter_IsWaitedFor_BeforeTheNextAttempt()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer(CallbackAnswer.Status(503, retryAfterSeconds: 1), CallbackAnswer.Status(200));
        var settings = new Dictionary<string, string?>(FastRetries) { ["Callbacks:RetryMaxDelay"] = "00:00:05" };
        await using var stack = await PurgeStack.StartAsync(settings);
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);

        await stack.AcceptAsync(stack.Url("a"));
        var first = await receiver.NextAsync();
        var second = await receiver.NextAsync();

        Assert.True(second.At - first.At >= TimeSpan.FromSeconds(1), $"retried after {(second.At - first.At).TotalMilliseconds} ms");
        Assert.Equal("delivered: HTTP 200", (await WaitForCallbackJobAsync(stack, JobStatus.Done)).Result);
    }

    private static (int Urls, int Success, int Error) Counts(JsonElement root)
    {
        var counts = root.GetProperty("counts");
        return (counts.GetProperty("urls").GetInt32(), counts.GetProperty("success").GetInt32(), counts.GetProperty("error").GetInt32());
    }

    private static async Task<Job> WaitForCallbackJobAsync(PurgeStack stack, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var jobs = await stack.Server.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Kind == FollowUpKinds.Callback).ToListAsync());
            if (jobs is [{ } job] && job.Status == status)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"callback jobs: {string.Join(", ", jobs.Select(j => $"{j.Status} {j.LastError}"))}");
            await Task.Delay(25);
        }
    }
}
