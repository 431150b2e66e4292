using MimeKit;

namespace IpsApi.Tests.Support;

/// <summary>A message an <see cref="SmtpSink"/> accepted: the envelope as sent and the parsed message.</summary>
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> Recipients, MimeMessage Message, string Raw);
