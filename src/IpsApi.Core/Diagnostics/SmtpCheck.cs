using System.Diagnostics;
using System.Net;
using IpsApi.Core.Mail;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Diagnostics;

/// <summary>
/// The mail server takes a connection as confirmation mail is sent: connect with <c>Smtp:Security</c> (EHLO, and
/// STARTTLS or TLS as configured), authenticate when <c>Smtp:UserName</c> is set, then QUIT. No mail is sent.
/// Failures are worded as the sender words them, with the password never in them.
/// </summary>
public sealed class SmtpCheck(IOptions<SmtpOptions> options, TimeProvider clock) : IDiagnosticCheck
{
    private readonly SmtpOptions options = options.Value;

    public string Name => "smtp";

    public bool IsConfigured => options.IsConfigured;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var server = $"{options.Host!.Trim()}:{options.EffectivePort}";
        using var client = new SmtpClient { Timeout = (int)(options.Timeout + TimeSpan.FromSeconds(5)).TotalMilliseconds };
        using var deadline = new CancellationTokenSource(options.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var watch = Stopwatch.StartNew();
        try
        {
            await client.ConnectAsync(options.Host.Trim(), options.EffectivePort, ConfirmationMailSender.SocketOptions(options.Security), linked.Token);
            var authenticated = !string.IsNullOrEmpty(options.UserName);
            if (authenticated)
            {
                await client.AuthenticateAsync(new NetworkCredential(options.UserName, options.Password), linked.Token);
            }

            await client.DisconnectAsync(quit: true, linked.Token);
            var elapsed = watch.Elapsed;
            return [CheckResult.Ok(Name, server,
                $"accepted a connection ({options.Security}{(authenticated ? ", authenticated" : "")}) {CheckText.Took(elapsed)}; no mail sent", elapsed)];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [CheckResult.Fail(Name, server, $"did not finish within Smtp:Timeout {options.Timeout}", watch.Elapsed)];
        }
        catch (Exception e) when (SmtpFailures.Classify(e, server, options.Security, 0, []) is { } failure)
        {
            var reason = failure.Reason ?? e.Message;
            if (!string.IsNullOrEmpty(options.Password))
            {
                reason = reason.Replace(options.Password, "***", StringComparison.Ordinal);
            }

            return [CheckResult.Fail(Name, server, CheckText.OneLine(reason), watch.Elapsed)];
        }
    }
}
