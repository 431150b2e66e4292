namespace IpsApi.Core.Mail;

/// <summary>
/// Configuration section <c>Smtp</c>: the server confirmation mail is handed to. Mail is off until
/// <see cref="Host"/> is set; then <see cref="From"/> is required.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>The SMTP server's host name or address. Unset: no mail is sent.</summary>
    public string? Host { get; set; }

    /// <summary>The server's port; unset, it follows <see cref="Security"/> (see <see cref="EffectivePort"/>).</summary>
    public int? Port { get; set; }

    /// <summary>The sender, an address with an optional display name: <c>IpsApi &lt;ips@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>Set to authenticate (SASL, the strongest mechanism both sides know); unset, mail is sent without.</summary>
    public string? UserName { get; set; }

    /// <summary>A secret: it appears in no log, <see cref="ToString"/> or failure reason.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Default <see cref="SmtpSecurity.StartTls"/> on the submission port 587, required rather than
    /// opportunistic: a relay that stops offering STARTTLS (or a middlebox that strips it) must not
    /// make the client fall back to sending credentials and recipients in clear.
    /// </summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The most one delivery (connect, TLS, authentication, the message, quit) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before a confirmation mail that could not be handed over is tried again; it doubles each time.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries of one confirmation mail.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after its batch was done a confirmation mail is still tried; after that it is given up.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary><see cref="Port"/>, or the port of <see cref="Security"/>'s convention: 25 plain, 587 STARTTLS (submission), 465 SMTPS.</summary>
    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.None => 25,
        SmtpSecurity.SslOnConnect => 465,
        _ => 587,
    };

    public override string ToString() =>
        $"SmtpOptions {{ Host = {Host}, Port = {EffectivePort}, Security = {Security}, From = {From}, UserName = {UserName}, "
        + $"Password = {(string.IsNullOrEmpty(Password) ? "(not set)" : "***")}, Timeout = {Timeout} }}";
}
