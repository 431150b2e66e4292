using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace IpsApi.Core.Mail;

/// <summary>
/// Hands a <see cref="ConfirmationMail"/> to the <c>Smtp:</c> server: one connection per mail
/// (connect with <c>Smtp:Security</c>, authenticate when <c>Smtp:UserName</c> is set, send, quit),
/// and an outcome the job that sends it acts on (see <see cref="SmtpFailures"/>). Retries are the
/// job's, on its own schedule; nothing is retried here. No SMTP transcript is logged, so neither a
/// message body nor an authentication exchange reaches a log.
/// </summary>
public sealed partial class ConfirmationMailSender(IOptions<SmtpOptions> options, TimeProvider clock, ILogger<ConfirmationMailSender> logger)
{
    private static readonly ParserOptions StrictParser = new()
    {
        AllowAddressesWithoutDomain = false,
        AddressParserComplianceMode = RfcComplianceMode.Strict,
    };

    /// <summary>False while <c>Smtp:Host</c> is unset: mail is off.</summary>
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>
    /// Sends <paramref name="mail"/> once. Returns <see cref="MailOutcomeKind.Sent"/> as soon as the server
    /// accepted the message for any recipient, even if quitting afterwards fails, so that a retry never
    /// duplicates it. Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/>
    /// is cancelled; <c>Smtp:Timeout</c> running out is a transient outcome.
    /// </summary>
    public async Task<MailOutcome> SendAsync(ConfirmationMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            return Finish(mail, MailOutcome.Permanent("mail is off: Smtp:Host is not set"));
        }

        var server = $"{settings.Host!.Trim()}:{settings.EffectivePort}";
        var (message, unwritable) = Build(mail, settings);
        if (message.To.Count == 0)
        {
            return Finish(mail, MailOutcome.Permanent("no recipient is an address a mail can be sent to", refused: unwritable));
        }

        using var client = new RecipientTrackingSmtpClient();
        // Smtp:Timeout bounds the whole delivery through the token below; MailKit's own per-read
        // timeout is only a backstop behind it, so that the reason a slow server gets is always the same.
        client.Timeout = (int)(settings.Timeout + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        using var deadline = new CancellationTokenSource(settings.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await client.ConnectAsync(settings.Host.Trim(), settings.EffectivePort, SocketOptions(settings.Security), linked.Token);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(new NetworkCredential(settings.UserName, settings.Password), linked.Token);
            }

            await client.SendAsync(message, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Finish(mail, MailOutcome.Transient($"{server} did not finish within Smtp:Timeout {settings.Timeout}"));
        }
        catch (Exception e) when (SmtpFailures.Classify(e, server, settings.Security, message.To.Count, client.Refused) is { } failure)
        {
            return Finish(mail, Redact(failure, settings.Password) with { RefusedRecipients = [.. unwritable, .. failure.RefusedRecipients] });
        }

        try
        {
            await client.DisconnectAsync(quit: true, linked.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message was accepted; a QUIT that goes wrong changes nothing about that.
            LogQuitFailed(logger, server, SmtpFailures.Clean(e.Message));
        }

        return Finish(mail, MailOutcome.Sent([.. unwritable, .. client.Refused.Select(r => Redact(r, settings.Password))]), server);
    }

    private (MimeMessage Message, List<RefusedRecipient> Unwritable) Build(ConfirmationMail mail, SmtpOptions settings)
    {
        var from = SmtpOptionsValidator.ParseSender(settings.From ?? "")
            ?? throw new InvalidOperationException("Smtp:From is not an email address; the start-up check should have refused it.");
        var message = new MimeMessage();
        message.From.Add(from);
        var unwritable = new List<RefusedRecipient>();
        foreach (var recipient in mail.Recipients)
        {
            if (MailboxAddress.TryParse(StrictParser, recipient, out var mailbox) && mailbox.Domain.Length > 0)
            {
                message.To.Add(mailbox);
            }
            else
            {
                unwritable.Add(new RefusedRecipient(recipient, 0, "not an email address"));
            }
        }

        message.Subject = mail.Subject;
        message.Date = clock.GetUtcNow();
        message.MessageId = $"{mail.MessageKey}@{from.Domain}";
        // RFC 3834: sent by a program, so that vacation responders and the like stay quiet.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(System.Text.Encoding.UTF8, mail.Body);
        message.Body = body;
        return (message, unwritable);
    }

    private MailOutcome Finish(ConfirmationMail mail, MailOutcome outcome, string? server = null)
    {
        if (outcome.Kind == MailOutcomeKind.Sent)
        {
            LogSent(logger, mail.Subject, mail.Recipients.Count - outcome.RefusedRecipients.Count, server);
            foreach (var refused in outcome.RefusedRecipients)
            {
                LogRecipientRefused(logger, mail.Subject, refused.Address, refused.StatusCode, refused.Reply);
            }
        }
        else
        {
            LogNotSent(logger, mail.Subject, mail.Recipients.Count, outcome.Kind, outcome.Reason);
        }

        return outcome;
    }

    internal static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>A server that quotes what it was sent must not carry the password into a log.</summary>
    private static MailOutcome Redact(MailOutcome outcome, string? password) =>
        string.IsNullOrEmpty(password) || outcome.Reason?.Contains(password, StringComparison.Ordinal) != true
            ? outcome
            : outcome with { Reason = outcome.Reason.Replace(password, "***", StringComparison.Ordinal) };

    private static RefusedRecipient Redact(RefusedRecipient refused, string? password) =>
        string.IsNullOrEmpty(password) || !refused.Reply.Contains(password, StringComparison.Ordinal)
            ? refused
            : refused with { Reply = refused.Reply.Replace(password, "***", StringComparison.Ordinal) };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Sent mail '{Subject}' to {RecipientCount} recipient(s) through {Server}")]
    private static partial void LogSent(ILogger logger, string subject, int recipientCount, string? server);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Mail '{Subject}' to {RecipientCount} recipient(s) not sent ({Outcome}): {Reason}")]
    private static partial void LogNotSent(ILogger logger, string subject, int recipientCount, MailOutcomeKind outcome, string? reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Mail '{Subject}' not sent to {Recipient}: {StatusCode} {Reply}")]
    private static partial void LogRecipientRefused(ILogger logger, string subject, string recipient, int statusCode, string reply);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "Mail accepted by {Server}, but quitting failed: {Reason}")]
    private static partial void LogQuitFailed(ILogger logger, string server, string reason);

    /// <summary>Records each recipient's answer instead of giving up at the first refusal, so that the others still get the mail.</summary>
    private sealed class RecipientTrackingSmtpClient : SmtpClient
    {
        private readonly List<RefusedRecipient> refused = [];

        public IReadOnlyList<RefusedRecipient> Refused => refused;

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            refused.Add(new RefusedRecipient(mailbox.Address, (int)response.StatusCode, SmtpFailures.Clean(response.Response)));
    }
}
