namespace IpsApi.Core.Mail;

/// <summary>
/// One confirmation mail, ready to send: the sender address comes
/// from <c>Smtp:From</c>.
/// </summary>
/// <param name="Recipients">Addresses, de-duplicated ignoring case, in the order the request named them.</param>
/// <param name="Subject">Names the invalidation handle and the batch.</param>
/// <param name="Body">Plain text.</param>
/// <param name="MessageKey">
/// The same for every attempt at this batch's mail, so that the Message-ID a retry sends is the one
/// the first attempt sent and a receiver can tell a duplicate (its left-hand side; the domain comes from <c>Smtp:From</c>).
/// </param>
public sealed record ConfirmationMail(IReadOnlyList<string> Recipients, string Subject, string Body, string MessageKey);
