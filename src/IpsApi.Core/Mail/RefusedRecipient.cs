namespace IpsApi.Core.Mail;

/// <summary>A recipient the server refused at <c>RCPT TO</c>.</summary>
/// <param name="Address">The address.</param>
/// <param name="StatusCode">The SMTP reply code (e.g. 550, 451); 0 when the address could not be written into a mail at all.</param>
/// <param name="Reply">The server's reply text, cleaned for a log line.</param>
public sealed record RefusedRecipient(string Address, int StatusCode, string Reply)
{
    /// <summary>A 4xx refusal: the mailbox may take mail later (greylisting, a full or busy mailbox).</summary>
    public bool IsTransient => StatusCode is >= 400 and < 500;
}
