namespace IpsApi.Core.Mail;

/// <summary>How the connection to the SMTP server is protected (<c>Smtp:Security</c>).</summary>
/// <remarks>
/// <see cref="StartTls"/> is the zero value: the configuration binder turns an empty setting
/// (<c>Smtp__Security=</c>) into the enum's zero, and an empty value must not switch TLS off.
/// </remarks>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS before anything else is sent; a server that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>Plain text throughout. Only for a relay on this host or a trusted network.</summary>
    None,
}
