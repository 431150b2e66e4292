using System.Globalization;
using System.Text;

namespace IpsApi.Core.Mail;

/// <summary>
/// The IPS confirmation mail: one per notification batch, sent when the whole CDN network has been
/// notified that the batch's URLs have been cleared (so a request of 250 URLs in batches of 100 is
/// confirmed by three mails), to the calling user when <c>ccOriginator</c> asked for it and to
/// the <c>ccOthersArray</c> addresses.
/// </summary>
public static class ConfirmationMailComposer
{
    /// <summary>The mail confirming <paramref name="batch"/>, or null when nobody asked for one.</summary>
    public static ConfirmationMail? Compose(ConfirmedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var recipients = Recipients(batch);
        if (recipients.Count == 0)
        {
            return null;
        }

        var subject = $"CDN cache invalidation {batch.InvalidationHandle}: batch {batch.BatchNumber} of {batch.BatchCount} cleared";
        return new ConfirmationMail(recipients, subject, Body(batch), MessageKey(batch));
    }

    /// <summary>The originator (when asked for) and then the others, each address once whatever its letter case.</summary>
    public static IReadOnlyList<string> Recipients(ConfirmedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var recipients = new List<string>();
        var named = new List<string?>(batch.CcOthers.Count + 1);
        if (batch.CcOriginator)
        {
            named.Add(batch.OriginatorEmail);
        }

        named.AddRange(batch.CcOthers);
        foreach (var address in named)
        {
            var trimmed = address?.Trim();
            if (!string.IsNullOrEmpty(trimmed) && seen.Add(trimmed))
            {
                recipients.Add(trimmed);
            }
        }

        return recipients;
    }

    private static string Body(ConfirmedBatch batch)
    {
        var cleared = batch.ClearedAt.ToUniversalTime();
        var body = new StringBuilder();
        var urls = batch.Urls.Count == 1 ? "URL" : "URLs";
        body.Append(CultureInfo.InvariantCulture, $"The entire CDN network has been notified that the {batch.Urls.Count} {urls} referenced in this email {(batch.Urls.Count == 1 ? "has" : "have")} been cleared.\n\n");
        body.Append(CultureInfo.InvariantCulture, $"Invalidation handle: {batch.InvalidationHandle}\n");
        body.Append(CultureInfo.InvariantCulture, $"Company:             {batch.CompanyName} ({batch.CompanyHandle})\n");
        body.Append(CultureInfo.InvariantCulture, $"Batch:               {batch.BatchNumber} of {batch.BatchCount} ({batch.Urls.Count} of the request's {batch.RequestUrlCount} URLs)\n");
        body.Append(CultureInfo.InvariantCulture, $"Status:              {batch.Status}\n");
        body.Append(CultureInfo.InvariantCulture, $"Cleared at:          {cleared.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} ({cleared.ToString("dddd, d MMMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)})\n\n");
        body.Append(CultureInfo.InvariantCulture, $"{urls} cleared:\n");
        foreach (var url in batch.Urls)
        {
            body.Append(url).Append('\n');
        }

        body.Append('\n');
        body.Append(CultureInfo.InvariantCulture, $"A cdnCacheInvalidation request is confirmed by one email for each notification that delivered its URLs to the CDN; this request took {batch.BatchCount}.\n");
        body.Append("This email was sent because the request asked for confirmation (emailConfirmation). Do not reply to it.\n");
        return body.ToString();
    }

    private static string MessageKey(ConfirmedBatch batch) =>
        $"cdn-invalidation.{batch.InvalidationHandle.Replace('|', '.')}.batch-{batch.BatchNumber.ToString(CultureInfo.InvariantCulture)}";
}
