using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace IpsApi.Core.Mail;

/// <summary>
/// Which failures to send a mail are worth another attempt. The rule: a refusal of this mail's
/// recipients or content (a 5xx reply to <c>RCPT TO</c> for every recipient, or to the message
/// itself) is permanent, since the same mail would be refused again. Everything else is
/// transient: 4xx replies, which SMTP defines as "try again"; a connection refused, reset or
/// timed out; TLS that cannot be set up; and refusals of our own configuration (the credentials,
/// the sender <c>Smtp:From</c>), because an operator fixes those on the relay or in the settings and
/// the same mail then goes through. The job that sends it bounds the retries.
/// </summary>
public static class SmtpFailures
{
    private const int MaxReplyLength = 300;

    /// <summary>
    /// The outcome of a delivery that threw <paramref name="failure"/> before the message was accepted,
    /// or null when it is not a delivery failure (a bug, which the caller lets through).
    /// </summary>
    /// <param name="failure">What the SMTP client threw.</param>
    /// <param name="server"><c>host:port</c>, for the reason.</param>
    /// <param name="security">The configured protection, for the reason.</param>
    /// <param name="recipientCount">Recipients the mail was addressed to.</param>
    /// <param name="refused">Recipients the server refused at <c>RCPT TO</c> so far.</param>
    public static MailOutcome? Classify(Exception failure, string server, SmtpSecurity security, int recipientCount, IReadOnlyList<RefusedRecipient> refused)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(refused);
        return failure switch
        {
            SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted } when refused.Count >= recipientCount && recipientCount > 0 =>
                NoRecipientAccepted(server, refused),
            SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted } command =>
                ByReplyCode(command, $"{server} refused the message: {Reply(command)}"),
            SmtpCommandException { ErrorCode: SmtpErrorCode.SenderNotAccepted, StatusCode: SmtpStatusCode.ExceededStorageAllocation } command =>
                MailOutcome.Permanent($"{server} refused the message's size: {Reply(command)}", (int)command.StatusCode),
            SmtpCommandException { ErrorCode: SmtpErrorCode.SenderNotAccepted } command =>
                MailOutcome.Transient($"{server} refused the sender (Smtp:From): {Reply(command)}", (int)command.StatusCode),
            SmtpCommandException command =>
                MailOutcome.Transient($"{server} answered {Reply(command)}", (int)command.StatusCode),
            AuthenticationException authentication =>
                MailOutcome.Transient($"{server} refused the credentials (Smtp:UserName, Smtp:Password): {Clean(authentication.Message)}"),
            SslHandshakeException handshake =>
                MailOutcome.Transient($"TLS with {server} failed ({security}): {Clean(Innermost(handshake).Message)}"),
            NotSupportedException unsupported when unsupported.Message.Contains("STARTTLS", StringComparison.Ordinal) =>
                MailOutcome.Transient($"{server} does not offer STARTTLS, which Smtp:Security {security} requires; nothing was sent in clear."),
            NotSupportedException unsupported =>
                MailOutcome.Transient($"{server}: {Clean(unsupported.Message)}"),
            TimeoutException =>
                MailOutcome.Transient($"{server} did not answer in time"),
            SocketException socket =>
                MailOutcome.Transient($"{server} unreachable: {socket.SocketErrorCode}"),
            SmtpProtocolException or ServiceNotConnectedException or IOException =>
                MailOutcome.Transient($"connection to {server} lost: {Clean(Innermost(failure).Message)}"),
            _ => null,
        };
    }

    /// <summary>A server's reply or an exception message as one short line of printable text.</summary>
    public static string Clean(string? text)
    {
        var line = new StringBuilder();
        foreach (var c in text ?? "")
        {
            var printable = char.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format ? ' ' : c;
            if (printable != ' ' || (line.Length > 0 && line[^1] != ' '))
            {
                line.Append(printable);
            }
        }

        var cleaned = line.ToString().Trim();
        return cleaned.Length <= MaxReplyLength ? cleaned : cleaned[..MaxReplyLength] + "…";
    }

    private static MailOutcome NoRecipientAccepted(string server, IReadOnlyList<RefusedRecipient> refused)
    {
        var reason = $"{server} accepted no recipient: {string.Join("; ", refused.Select(r => $"{r.Address}: {r.StatusCode} {r.Reply}"))}";
        // One recipient that may take the mail later is worth another attempt; those refused for good are refused again, harmlessly.
        return refused.Any(r => r.IsTransient)
            ? MailOutcome.Transient(reason, refused.First(r => r.IsTransient).StatusCode, refused)
            : MailOutcome.Permanent(reason, refused.FirstOrDefault(r => r.StatusCode > 0)?.StatusCode, refused);
    }

    private static MailOutcome ByReplyCode(SmtpCommandException command, string reason) =>
        (int)command.StatusCode is >= 500 and < 600
            ? MailOutcome.Permanent(reason, (int)command.StatusCode)
            : MailOutcome.Transient(reason, (int)command.StatusCode);

    private static string Reply(SmtpCommandException command) => Clean($"{(int)command.StatusCode} {command.Message}");

    private static Exception Innermost(Exception failure)
    {
        var inner = failure;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        return inner;
    }
}
