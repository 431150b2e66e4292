using System.Globalization;
using System.Text;

namespace IpsApi.Core.Purge;

/// <summary>
/// The per-URL failures of a batch as stored in <c>notification_batches.last_error</c>: one line
/// per URL, <c>code TAB provider TAB url TAB reason</c>. URLs cannot contain tabs or line breaks
/// (the URL rules refuse them), and reasons are flattened to one line.
/// </summary>
public static class BatchFailures
{
    public static string Format(string provider, IEnumerable<UrlFailure> failures)
    {
        var text = new StringBuilder();
        foreach (var failure in failures)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(failure.Code.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(provider).Append('\t')
                .Append(failure.Url).Append('\t')
                .Append(OneLine(failure.Reason));
        }

        return text.ToString();
    }

    public static string Join(IEnumerable<string> parts) => string.Join('\n', parts.Where(p => p.Length > 0));

    /// <summary>Each stored failure as the status reply words it: the provider's code, and a reason naming provider and URL.</summary>
    public static IEnumerable<(int Code, string Reason)> Parse(string? stored) =>
        ParseWithUrls(stored).Select(failure => (failure.Code, failure.Reason));

    /// <summary>As <see cref="Parse"/>, with each failure's URL on its own (null for a line not in the stored form).</summary>
    public static IEnumerable<(int Code, string? Url, string Reason)> ParseWithUrls(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            yield break;
        }

        foreach (var line in stored.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t', 4);
            if (fields.Length == 4 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                yield return (code, fields[2], $"{fields[1]}: {fields[2]}: {fields[3]}");
            }
            else
            {
                yield return (0, null, line);
            }
        }
    }

    private static string OneLine(string reason) =>
        string.Join(' ', reason.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
