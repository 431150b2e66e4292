using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace IpsApi.Core.Mail;

/// <summary>Checks <see cref="SmtpOptions"/> at start; every message names the key to fix and never repeats the password.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    private const string Prefix = SmtpOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var errors = new List<string>();
        if (options.RetryBaseDelay < TimeSpan.FromSeconds(1) || options.RetryBaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{Prefix}RetryBaseDelay must be from 00:00:01 to 01:00:00.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay || options.RetryMaxDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}RetryMaxDelay must be from {Prefix}RetryBaseDelay to 1.00:00:00.");
        }

        if (options.GiveUpAfter < TimeSpan.FromMinutes(1) || options.GiveUpAfter > TimeSpan.FromDays(7))
        {
            errors.Add($"{Prefix}GiveUpAfter must be from 00:01:00 to 7.00:00:00.");
        }

        if (!options.IsConfigured)
        {
            return errors.Count == 0 ? ValidateOptionsResult.Skip : ValidateOptionsResult.Fail(errors);
        }

        var host = options.Host!.Trim();
        if (Uri.CheckHostName(host) is UriHostNameType.Unknown)
        {
            errors.Add($"{Prefix}Host must be a host name or address such as smtp.example.com, without a scheme or port.");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"{Prefix}Port must be from 1 to 65535.");
        }

        if (!Enum.IsDefined(options.Security))
        {
            errors.Add($"{Prefix}Security must be one of {string.Join(", ", Enum.GetNames<SmtpSecurity>())}.");
        }

        if (string.IsNullOrWhiteSpace(options.From))
        {
            errors.Add($"{Prefix}From is required when {Prefix}Host is set.");
        }
        else if (ParseSender(options.From) is null)
        {
            errors.Add($"{Prefix}From must be an email address, optionally with a display name such as IpsApi <ips@example.com>, not '{options.From}'.");
        }

        var hasUser = !string.IsNullOrEmpty(options.UserName);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasUser && !hasPassword)
        {
            errors.Add($"{Prefix}Password is required when {Prefix}UserName is set.");
        }
        else if (hasPassword && !hasUser)
        {
            errors.Add($"{Prefix}UserName is required when {Prefix}Password is set.");
        }
        else if (hasUser && options.Security == SmtpSecurity.None && !IsLoopback(host))
        {
            errors.Add($"{Prefix}Security None would send {Prefix}Password unencrypted to {host}; use StartTls or SslOnConnect (None with a user name is accepted only for a server on this host).");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Prefix}Timeout must be from 00:00:01 to 00:10:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// One mailbox with a domain, or null. MimeKit's default parser also takes a bare local part
    /// (<c>postmaster</c>) and lists; a relay would take the former as a local user and fail late.
    /// </summary>
    internal static MailboxAddress? ParseSender(string value) =>
        InternetAddress.TryParse(StrictParser, value.Trim(), out var address)
        && address is MailboxAddress { Domain.Length: > 0 } mailbox
        && !mailbox.Address.Any(char.IsWhiteSpace)
            ? mailbox
            : null;

    private static readonly ParserOptions StrictParser = new()
    {
        AllowAddressesWithoutDomain = false,
        AddressParserComplianceMode = RfcComplianceMode.Strict,
    };

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
