using System.Net;
using IpsApi.Core.Jobs;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Mail;

/// <summary>
/// The <c>mail</c> job end to end: a request asking for confirmation, purged by the workers, mailed through
/// a real SMTP server on loopback (aiosmtpd), one mail per notification batch.
/// </summary>
public sealed class ConfirmationMailJobTests
{
    private const string ToOriginatorAndOthers =
        "<ns:emailConfirmation><ns:ccOriginator>true</ns:ccOriginator>"
        + "<ns:ccOthersArray><ns:items>ops@example.com</ns:items><ns:items>cdn-team@example.com</ns:items></ns:ccOthersArray></ns:emailConfirmation>";

    [Fact]
    public async Task RequestOf250Urls_IsConfirmedByThreeMails_EachListingItsBatch()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var stack = await PurgeStack.StartAsync(Settings(smtp));
        var urls = Enumerable.Range(0, 250).Select(i => stack.Url($"shoe-{i:000}")).ToArray();

        var handle = await AcceptAsync(stack, urls, ToOriginatorAndOthers);
        await stack.WaitForStatusAsync(handle, "Done");
        var jobs = await stack.WaitForJobsAsync(3, JobStatus.Done);
        var mails = smtp.Messages();

        Assert.Equal(3, mails.Count);
        var bySubject = mails.OrderBy(m => m.Message.Subject, StringComparer.Ordinal).ToList();
        for (var k = 1; k <= 3; k++)
        {
            var mail = bySubject[k - 1];
            Assert.Equal($"CDN cache invalidation {handle}: batch {k} of 3 cleared", mail.Message.Subject);
            Assert.Equal([stack.Admin.Email, "ops@example.com", "cdn-team@example.com"], mail.Recipients);
            var body = mail.Message.TextBody ?? "";
            var listed = urls.Where(u => body.Contains(u + "\n", StringComparison.Ordinal)).ToList();
            Assert.Equal(urls.Skip((k - 1) * 100).Take(100), listed);
        }

        Assert.All(jobs, j => Assert.Equal("sent to 3 of 3 recipient(s)", j.Result));
    }

    [Fact]
    public async Task ServerThatRefusesThenAccepts_GetsTheMailOnTheRetry_AndTheRefusalIsRecorded()
    {
        await using var smtp = await SmtpSink.StartAsync(refuseMessages: 1, refuseCode: 451);
        await using var stack = await PurgeStack.StartAsync(Settings(smtp));

        var handle = await AcceptAsync(stack, [stack.Url("a")], ToOriginatorAndOthers);
        await stack.WaitForStatusAsync(handle, "Done");
        var job = Assert.Single(await stack.WaitForJobsAsync(1, JobStatus.Done));

        Assert.Equal(["data-refused", "message"], smtp.Events().Select(e => e.GetProperty("event").GetString()));
        Assert.Single(smtp.Messages());
        Assert.Equal(1, job.Attempt);
        Assert.Equal("sent to 3 of 3 recipient(s)", job.Result);
    }

    [Fact]
    public async Task ServerThatRefusesForGood_FailsTheMailJob_WithTheServersAnswer_AndThePurgeStaysDone()
    {
        await using var smtp = await SmtpSink.StartAsync(refuseMessages: 5, refuseCode: 554);
        await using var stack = await PurgeStack.StartAsync(Settings(smtp));

        var handle = await AcceptAsync(stack, [stack.Url("a")], ToOriginatorAndOthers);
        await stack.WaitForStatusAsync(handle, "Done");
        var job = Assert.Single(await stack.WaitForJobsAsync(1, JobStatus.Failed));

        Assert.Empty(smtp.Messages());
        Assert.Contains("554", job.LastError, StringComparison.Ordinal);
        Assert.Contains("<status>Done</status>", (await stack.StatusAsync(handle)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutSmtpHost_TheMailIsSkipped_AndTheJobSaysSo()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Jobs:PollInterval"] = "00:00:00.050" });

        var handle = await AcceptAsync(stack, [stack.Url("a")], ToOriginatorAndOthers);
        await stack.WaitForStatusAsync(handle, "Done");
        var job = Assert.Single(await stack.WaitForJobsAsync(1, JobStatus.Done));

        Assert.Equal("skipped: mail is off (Smtp:Host is not set)", job.Result);
    }

    private static Dictionary<string, string?> Settings(SmtpSink smtp) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
        ["Smtp:From"] = "IpsApi <ips@example.com>",
        ["Smtp:RetryBaseDelay"] = "00:00:01",
        ["Smtp:RetryMaxDelay"] = "00:00:01",
        ["Jobs:PollInterval"] = "00:00:00.050",
    };

    private static async Task<string> AcceptAsync(PurgeStack stack, string[] urls, string extraParams)
    {
        var reply = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), stack.Company.Handle, urls, extraParams));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Handle;
    }
}
