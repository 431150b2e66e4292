using System.Diagnostics;
using System.Text;
using System.Text.Json;
using IpsApi.Core.Mail;
using MimeKit;

namespace IpsApi.Tests.Support;

/// <summary>
/// A real SMTP server (aiosmtpd, Debian package python3-aiosmtpd, installed by scripts/test.sh) on a
/// free loopback port, running <c>smtp_sink.py</c>: it records every message and what it refused, and
/// can be told to refuse the first messages or some recipients. Ready once it accepts a connection.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process process;
    private readonly string workDirectory;
    private readonly StringBuilder errors = new();

    private SmtpSink(Process process, string workDirectory, int port)
    {
        this.process = process;
        this.workDirectory = workDirectory;
        Port = port;
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public int Port { get; }

    private string RecordPath => Path.Combine(workDirectory, "record.jsonl");

    /// <param name="refuseMessages">The first this many messages are answered <paramref name="refuseCode"/>.</param>
    /// <param name="refuseCode">The reply code those messages get: 451 (transient) or a 5xx.</param>
    /// <param name="refuseRecipients">Recipients refused at RCPT TO, with the reply code.</param>
    /// <param name="credentials">When set, AUTH is offered (without TLS) and only this pair accepted.</param>
    /// <param name="tlsCertificatePemFile">When set (with <paramref name="tlsKeyPemFile"/>), STARTTLS is offered with this certificate.</param>
    /// <param name="tlsKeyPemFile">The certificate's private key.</param>
    public static async Task<SmtpSink> StartAsync(
        int refuseMessages = 0,
        int refuseCode = 451,
        IReadOnlyDictionary<string, int>? refuseRecipients = null,
        (string User, string Password)? credentials = null,
        string? tlsCertificatePemFile = null,
        string? tlsKeyPemFile = null)
    {
        var work = Directory.CreateTempSubdirectory("ipsapi-smtp-").FullName;
        var port = IpsApiProcess.FreePort();
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "Support", "smtp_sink.py"),
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--record", Path.Combine(work, "record.jsonl"),
            "--refuse-data", refuseMessages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--refuse-data-code", refuseCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (address, code) in refuseRecipients ?? new Dictionary<string, int>())
        {
            arguments.AddRange(["--refuse-rcpt", $"{address}={code.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        }

        if (tlsCertificatePemFile is not null)
        {
            arguments.AddRange(["--tls-cert", tlsCertificatePemFile, "--tls-key", tlsKeyPemFile!]);
        }

        arguments.ForEach(start.ArgumentList.Add);
        if (credentials is { } pair)
        {
            start.Environment["SMTP_SINK_AUTH"] = $"{pair.User}:{pair.Password}";
        }

        var sink = new SmtpSink(Process.Start(start) ?? throw new InvalidOperationException("python3 did not start"), work, port);
        switch (await LoopbackListener.WaitAsync(port, sink.process, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50)))
        {
            case LoopbackListener.Wait.Listening:
                return sink;
            case LoopbackListener.Wait.Exited:
                await sink.DisposeAsync();
                throw new InvalidOperationException($"smtp_sink.py exited with {sink.process.ExitCode}: {sink.Errors}");
        }

        await sink.DisposeAsync();
        throw new TimeoutException($"smtp_sink.py did not listen within 20 s: {sink.Errors}");
    }

    /// <summary>What the server wrote on standard error (aiosmtpd logs there).</summary>
    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>Settings that send to this server in clear, from <c>IpsApi &lt;ips@example.com&gt;</c>.</summary>
    public SmtpOptions Options(SmtpSecurity security = SmtpSecurity.None) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Security = security,
        From = "IpsApi <ips@example.com>",
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Every recorded event (<c>message</c>, <c>data-refused</c>, <c>rcpt-refused</c>, <c>auth</c>), in order.</summary>
    public IReadOnlyList<JsonElement> Events() =>
        File.Exists(RecordPath)
            ? [.. File.ReadAllLines(RecordPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())]
            : [];

    public IReadOnlyList<ReceivedMail> Messages() =>
        [.. Events().Where(e => e.GetProperty("event").GetString() == "message").Select(e =>
        {
            var raw = Convert.FromBase64String(e.GetProperty("data").GetString()!);
            using var stream = new MemoryStream(raw);
            return new ReceivedMail(
                e.GetProperty("mail_from").GetString()!,
                [.. e.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()!)],
                MimeMessage.Load(stream),
                Encoding.UTF8.GetString(raw));
        })];

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
