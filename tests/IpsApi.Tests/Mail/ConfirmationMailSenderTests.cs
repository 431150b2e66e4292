using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IpsApi.Core.Mail;
using IpsApi.Tests.Support;
using IpsApi.Tests.Unit;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Mail;

/// <summary>The sender against a real SMTP server (aiosmtpd) on loopback, and against ports that do not answer as one.</summary>
public sealed class ConfirmationMailSenderTests
{
    private readonly LogCapture log = new();

    [Fact]
    public async Task Send_DeliversToExactlyTheRecipients_WithTheSubjectAndEveryUrlOfTheBatch()
    {
        await using var sink = await SmtpSink.StartAsync();
        var urls = AnonymousUrls.Create(100);
        var mail = ConfirmationMailComposer.Compose(
            ConfirmedRequests.Create(urls, ccOriginator: true, ccOthers: ["Ops@example.com", "ADMIN@example.com", "web@example.org"])[0])!;

        var outcome = await Sender(sink.Options()).SendAsync(mail, CancellationToken.None);

        Assert.Equal(MailOutcome.Sent([]), outcome with { RefusedRecipients = [] });
        Assert.Empty(outcome.RefusedRecipients);
        var received = Assert.Single(sink.Messages());
        Assert.Equal("ips@example.com", received.MailFrom);
        Assert.Equal(["admin@example.com", "Ops@example.com", "web@example.org"], received.Recipients);
        Assert.Equal("CDN cache invalidation i|7|42|E_iJEv25SB_ZAKSVZpzJ6A: batch 1 of 1 cleared", received.Message.Subject);
        Assert.Equal("\"IpsApi\" <ips@example.com>", received.Message.From.ToString());
        Assert.Equal(["admin@example.com", "Ops@example.com", "web@example.org"], received.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("auto-generated", received.Message.Headers["Auto-Submitted"]);
        Assert.Equal("cdn-invalidation.i.7.42.E_iJEv25SB_ZAKSVZpzJ6A.batch-1@example.com", received.Message.MessageId);
        Assert.Equal(urls, ListedUrls(received));
        Assert.Contains(log.Entries, e => e.StartsWith("Information", StringComparison.Ordinal)
            && e.Contains($"Sent mail '{mail.Subject}' to 3 recipient(s) through 127.0.0.1:{sink.Port}", StringComparison.Ordinal));
        Assert.DoesNotContain(urls[0], log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_A250UrlRequest_ArrivesAsThreeMails_Batch1Of3To3Of3()
    {
        await using var sink = await SmtpSink.StartAsync();
        var urls = AnonymousUrls.Create(250);
        var sender = Sender(sink.Options());

        foreach (var batch in ConfirmedRequests.Create(urls, ccOriginator: true, ccOthers: []))
        {
            Assert.Equal(MailOutcomeKind.Sent, (await sender.SendAsync(ConfirmationMailComposer.Compose(batch)!, CancellationToken.None)).Kind);
        }

        var received = sink.Messages();
        Assert.Equal(["batch 1 of 3 cleared", "batch 2 of 3 cleared", "batch 3 of 3 cleared"], received.Select(m => m.Message.Subject!.Split(": ")[1]));
        Assert.Equal([100, 100, 50], received.Select(m => ListedUrls(m).Count));
        Assert.Equal(urls, received.SelectMany(m => ListedUrls(m)));
        Assert.All(received, m => Assert.Equal(["admin@example.com"], m.Recipients));
    }

    [Fact]
    public async Task Send_WhenTheServerAnswers451_IsTransient_AndTheNextAttemptIsDelivered()
    {
        await using var sink = await SmtpSink.StartAsync(refuseMessages: 1);
        var mail = Mail(["ops@example.com"]);
        var sender = Sender(sink.Options());

        var first = await sender.SendAsync(mail, CancellationToken.None);
        var second = await sender.SendAsync(mail, CancellationToken.None);

        Assert.Equal((MailOutcomeKind.Transient, 451), (first.Kind, first.SmtpStatusCode));
        Assert.Contains($"127.0.0.1:{sink.Port} refused the message: 451", first.Reason, StringComparison.Ordinal);
        Assert.Equal(MailOutcomeKind.Sent, second.Kind);
        Assert.Single(sink.Messages());
        Assert.Contains(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("not sent (Transient)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenTheServerRefusesTheMessageWith5xx_IsPermanent()
    {
        await using var sink = await SmtpSink.StartAsync(refuseMessages: 1, refuseCode: 554);

        var outcome = await Sender(sink.Options()).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal((MailOutcomeKind.Permanent, 554), (outcome.Kind, outcome.SmtpStatusCode));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task Send_ToTheOnlyRecipient_RefusedWith550_IsPermanent()
    {
        await using var sink = await SmtpSink.StartAsync(refuseRecipients: new Dictionary<string, int> { ["gone@example.com"] = 550 });

        var outcome = await Sender(sink.Options()).SendAsync(Mail(["gone@example.com"]), CancellationToken.None);

        Assert.Equal((MailOutcomeKind.Permanent, 550), (outcome.Kind, outcome.SmtpStatusCode));
        var refused = Assert.Single(outcome.RefusedRecipients);
        Assert.Equal(("gone@example.com", 550, false), (refused.Address, refused.StatusCode, refused.IsTransient));
        Assert.Contains("gone@example.com: 550 5.1.1 Mailbox unavailable", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task Send_ToTwoRecipients_OneRefusedWith550_IsSentToTheOther_AndNamesTheRefused()
    {
        await using var sink = await SmtpSink.StartAsync(refuseRecipients: new Dictionary<string, int> { ["gone@example.com"] = 550 });

        var outcome = await Sender(sink.Options()).SendAsync(Mail(["gone@example.com", "ops@example.com"]), CancellationToken.None);

        Assert.Equal(MailOutcomeKind.Sent, outcome.Kind);
        Assert.Equal(["gone@example.com"], outcome.RefusedRecipients.Select(r => r.Address));
        Assert.Equal(["ops@example.com"], Assert.Single(sink.Messages()).Recipients);
        Assert.Contains(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("not sent to gone@example.com: 550", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_ToTheOnlyRecipient_RefusedWith450_IsTransient()
    {
        await using var sink = await SmtpSink.StartAsync(refuseRecipients: new Dictionary<string, int> { ["busy@example.com"] = 450 });

        var outcome = await Sender(sink.Options()).SendAsync(Mail(["busy@example.com"]), CancellationToken.None);

        Assert.Equal((MailOutcomeKind.Transient, 450), (outcome.Kind, outcome.SmtpStatusCode));
    }

    [Fact]
    public async Task Send_ToAClosedPort_IsTransient_AtOnce()
    {
        var options = new SmtpOptions { Host = "127.0.0.1", Port = IpsApiProcess.FreePort(), Security = SmtpSecurity.None, From = "ips@example.com" };
        var watch = Stopwatch.StartNew();

        var outcome = await Sender(options).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal(MailOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"127.0.0.1:{options.Port} unreachable: ConnectionRefused", outcome.Reason);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Send_ToAServerThatNeverAnswers_IsTransient_WhenSmtpTimeoutRunsOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, From = "ips@example.com", Timeout = TimeSpan.FromSeconds(1) };
        var watch = Stopwatch.StartNew();

        var outcome = await Sender(options).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal(MailOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"127.0.0.1:{port} did not finish within Smtp:Timeout 00:00:01", outcome.Reason);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Send_WithStartTls_ToAServerWithoutTls_SendsNothing_AndSaysWhy()
    {
        await using var sink = await SmtpSink.StartAsync(credentials: ("ips", "Pa55-word-7f3e"));
        var options = sink.Options(SmtpSecurity.StartTls);
        options.UserName = "ips";
        options.Password = "Pa55-word-7f3e";

        var outcome = await Sender(options).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal(MailOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"127.0.0.1:{sink.Port} does not offer STARTTLS, which Smtp:Security StartTls requires; nothing was sent in clear.", outcome.Reason);
        Assert.Empty(sink.Events());
    }

    [Fact]
    public async Task Send_WithStartTls_ToAServerWithAnUntrustedCertificate_FailsTheHandshake_AndSendsNothing()
    {
        var directory = Directory.CreateTempSubdirectory("ipsapi-smtp-tls-").FullName;
        try
        {
            var (certificate, key) = SelfSignedCertificate(directory, "127.0.0.1");
            await using var sink = await SmtpSink.StartAsync(credentials: ("ips", "Pa55-word-7f3e"), tlsCertificatePemFile: certificate, tlsKeyPemFile: key);
            var options = sink.Options(SmtpSecurity.StartTls);
            options.UserName = "ips";
            options.Password = "Pa55-word-7f3e";

            var outcome = await Sender(options).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

            Assert.Equal(MailOutcomeKind.Transient, outcome.Kind);
            Assert.StartsWith($"TLS with 127.0.0.1:{sink.Port} failed (StartTls): ", outcome.Reason, StringComparison.Ordinal);
            Assert.Empty(sink.Events());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Send_WithCredentials_Authenticates_AndThePasswordReachesNoLogNorReason()
    {
        const string Password = "Pa55-word-7f3e";
        const string WrongPassword = "Wr0ng-pa55-91ac";
        await using var sink = await SmtpSink.StartAsync(credentials: ("ips", Password));
        var good = sink.Options();
        good.UserName = "ips";
        good.Password = Password;
        var bad = sink.Options();
        bad.UserName = "ips";
        bad.Password = WrongPassword;

        var sent = await Sender(good).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);
        var refused = await Sender(bad).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal(MailOutcomeKind.Sent, sent.Kind);
        Assert.Equal(MailOutcomeKind.Transient, refused.Kind);
        Assert.StartsWith($"127.0.0.1:{sink.Port} refused the credentials (Smtp:UserName, Smtp:Password): ", refused.Reason, StringComparison.Ordinal);
        // The second sender's client tries each mechanism the server offers (PLAIN, LOGIN) before giving up.
        var logins = sink.Events().Where(e => e.GetProperty("event").GetString() == "auth").Select(e => e.GetProperty("success").GetBoolean()).ToList();
        Assert.True(logins[0]);
        Assert.NotEmpty(logins[1..]);
        Assert.All(logins[1..], Assert.False);
        Assert.Single(sink.Messages());
        foreach (var secret in new[] { Password, WrongPassword })
        {
            Assert.DoesNotContain(secret, log.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, refused.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, good.ToString() + bad.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Send_WithMailOff_IsPermanent_WithoutConnecting()
    {
        var outcome = await Sender(new SmtpOptions()).SendAsync(Mail(["ops@example.com"]), CancellationToken.None);

        Assert.Equal((MailOutcomeKind.Permanent, "mail is off: Smtp:Host is not set"), (outcome.Kind, outcome.Reason));
    }

    private ConfirmationMailSender Sender(SmtpOptions options) =>
        new(Options.Create(options), TimeProvider.System, log.CreateLogger<ConfirmationMailSender>());

    private static List<string> ListedUrls(ReceivedMail mail) =>
        ConfirmationMailComposerTests.ListedUrls(mail.Message.TextBody?.ReplaceLineEndings("\n") ?? "");

    private static ConfirmationMail Mail(IReadOnlyList<string> recipients) =>
        ConfirmationMailComposer.Compose(ConfirmedRequests.Create(AnonymousUrls.Create(2), ccOriginator: false, ccOthers: recipients)[0])!;

    /// <summary>A certificate for <paramref name="address"/> that no trust store knows, as PEM files.</summary>
    private static (string Certificate, string Key) SelfSignedCertificate(string directory, string address)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp-sink.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Parse(address));
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
