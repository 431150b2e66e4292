using System.Net;
using System.Text.Json;
using IpsApi.Core.Jobs;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Lifecycle;

/// <summary>
/// One request through its whole lifecycle: accepted over SOAP, purged by the workers, confirmed by one mail per
/// batch on a real SMTP server and, once every batch is Done, called back once, signed, to the company's URL.
/// </summary>
public sealed class InvalidationLifecycleTests
{
    [Fact]
    public async Task RequestOf250UrlsAskingForMail_GetsThreeMailsAndOneSignedCallback()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer(CallbackAnswer.Status(204));
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "IpsApi <ips@example.com>",
            ["Jobs:PollInterval"] = "00:00:00.050",
        });
        receiver.Secret = await stack.SetCallbackWithCliAsync(receiver.Url);
        var urls = Enumerable.Range(0, 250).Select(i => stack.Url($"look-{i:000}")).ToArray();

        var reply = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), stack.Company.Handle, urls,
            "<ns:emailConfirmation><ns:ccOriginator>true</ns:ccOriginator></ns:emailConfirmation>"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var delivery = await receiver.NextAsync();
        var jobs = await stack.WaitForJobsAsync(4, JobStatus.Done);

        Assert.True(delivery.SignatureValid, $"signature {delivery.Signature} does not verify");
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal((reply.Handle, "Done"), (body.RootElement.GetProperty("handle").GetString(), body.RootElement.GetProperty("status").GetString()));
        Assert.Equal(
            [$"CDN cache invalidation {reply.Handle}: batch 1 of 3 cleared", $"CDN cache invalidation {reply.Handle}: batch 2 of 3 cleared", $"CDN cache invalidation {reply.Handle}: batch 3 of 3 cleared"],
            smtp.Messages().Select(m => m.Message.Subject).Order(StringComparer.Ordinal));
        Assert.All(smtp.Messages(), m => Assert.Equal([stack.Admin.Email], m.Recipients));
        Assert.Equal([FollowUpKinds.Callback, FollowUpKinds.Mail, FollowUpKinds.Mail, FollowUpKinds.Mail], jobs.Select(j => j.Kind).Order(StringComparer.Ordinal));
        Assert.Single(receiver.Deliveries);
    }
}
