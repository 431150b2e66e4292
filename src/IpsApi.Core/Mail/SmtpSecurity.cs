namespace IpsApi.Core.Mail;

/// <summary>How the connection to the SMTP server is protected (<c>Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text throughout. Only for a relay on this host or a trusted network.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS before anything else is sent; a server that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,
}
