using System.Globalization;
using IpsApi.Core.Faults;

namespace IpsApi.Core.Templates;

/// <summary>
/// A company's CDN invalidation template (AEM / Dynamic Media Classic, spec §8): text of at most
/// <see cref="MaxLength"/> characters, one entry per line, every entry containing <see cref="Placeholder"/>.
/// Blank lines are skipped and each entry is trimmed; everything else, presets and modifiers after
/// <c>&lt;ID&gt;</c> included, is kept exactly as written. An entry that is exactly <c>&lt;ID&gt;</c> stands for
/// <c>https://&lt;first publish host&gt;/is/image/&lt;root&gt;/&lt;ID&gt;</c>.
/// </summary>
public static class InvalidationTemplate
{
    /// <summary>The most characters a template may hold (AEM: "can save text up to 2500 characters").</summary>
    public const int MaxLength = 2500;

    /// <summary>What each entry holds where an asset ID goes.</summary>
    public const string Placeholder = "<ID>";

    /// <summary>
    /// The template's entries, numbered by their line in <paramref name="text"/> (1-based); empty for a template
    /// without entries. Refused with fault 30001 when the text is too long or an entry has no <c>&lt;ID&gt;</c>.
    /// </summary>
    public static IReadOnlyList<TemplateLine> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (text.Length > MaxLength)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"The CDN invalidation template can save text up to {MaxLength} characters; this one has {text.Length}.")));
        }

        var lines = new List<TemplateLine>();
        var number = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            number++;
            var entry = text.AsSpan()[range].Trim();
            if (entry.IsEmpty)
            {
                continue;
            }

            if (!entry.Contains(Placeholder, StringComparison.Ordinal))
            {
                throw new IpsFaultException(IpsFault.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"CDN invalidation template line {number} '{Shown(entry.ToString())}' has no {Placeholder}: every entry must say where the asset ID goes.")));
            }

            lines.Add(new TemplateLine(number, entry.ToString()));
        }

        return lines;
    }

    /// <summary>What an entry expands to for one asset; <c>&lt;ID&gt;</c> alone means the asset's image URL on the first publish host.</summary>
    public static string Apply(TemplateLine line, string assetId, string firstPublishHost, string root)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Text == Placeholder
            ? $"https://{firstPublishHost}/is/image/{root}/{assetId}"
            : line.Text.Replace(Placeholder, assetId, StringComparison.Ordinal);
    }

    /// <summary>The entry as a fault quotes it: at most 120 characters, control characters shown as <c>?</c>.</summary>
    private static string Shown(string entry)
    {
        var printable = string.Concat(entry.Take(120).Select(c => char.IsControl(c) ? '?' : c));
        return entry.Length <= 120 ? printable : printable + "...";
    }
}
