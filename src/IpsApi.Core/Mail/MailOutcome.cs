namespace IpsApi.Core.Mail;

/// <summary>The outcome of one attempt to send a mail.</summary>
/// <param name="Kind">Sent, or a transient or permanent failure.</param>
/// <param name="Reason">Why it was not sent, naming the server and what it answered; never a secret. Null when sent.</param>
/// <param name="SmtpStatusCode">The SMTP reply code the outcome rests on, when a reply decided it.</param>
/// <param name="RefusedRecipients">
/// Recipients refused while others took the mail (<see cref="MailOutcomeKind.Sent"/>: resending would
/// duplicate it for those who have it), or every recipient when none took it.
/// </param>
public sealed record MailOutcome(MailOutcomeKind Kind, string? Reason, int? SmtpStatusCode, IReadOnlyList<RefusedRecipient> RefusedRecipients)
{
    public static MailOutcome Sent(IReadOnlyList<RefusedRecipient> refused) => new(MailOutcomeKind.Sent, null, null, refused);

    public static MailOutcome Transient(string reason, int? statusCode = null, IReadOnlyList<RefusedRecipient>? refused = null) =>
        new(MailOutcomeKind.Transient, reason, statusCode, refused ?? []);

    public static MailOutcome Permanent(string reason, int? statusCode = null, IReadOnlyList<RefusedRecipient>? refused = null) =>
        new(MailOutcomeKind.Permanent, reason, statusCode, refused ?? []);
}
