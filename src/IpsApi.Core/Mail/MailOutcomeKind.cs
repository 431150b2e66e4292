namespace IpsApi.Core.Mail;

/// <summary>What became of one attempt to send a mail, as the job that sends it must act on it.</summary>
public enum MailOutcomeKind
{
    /// <summary>The server accepted the message for at least one recipient: done, never send it again.</summary>
    Sent,

    /// <summary>Not sent, for a reason that passes or that an operator fixes on the relay or in <c>Smtp:</c>: try again later.</summary>
    Transient,

    /// <summary>Not sent, and the same mail will never be: its recipients or its content were refused (5xx). Give up.</summary>
    Permanent,
}
