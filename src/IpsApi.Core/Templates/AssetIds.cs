using System.Globalization;
using IpsApi.Core.Faults;

namespace IpsApi.Core.Templates;

/// <summary>
/// Asset IDs as they go into a template's <c>&lt;ID&gt;</c>: non-empty, at most <see cref="MaxLength"/> characters,
/// without whitespace or control characters, and without <c>/</c>, <c>\</c>, <c>?</c> or <c>#</c>, which would
/// move the ID out of its place in the URL (into another path segment, the query or a fragment). Anything else
/// is put in as written; the expanded URL then has to pass the URL rules (so non-ASCII must come percent-encoded).
/// </summary>
public static class AssetIds
{
    /// <summary>The longest asset ID accepted, in characters.</summary>
    public const int MaxLength = 512;

    /// <summary>The IDs, checked; refused with fault 30001 naming the first bad one by position.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<string?> assetIds)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var checkedIds = new List<string>(assetIds.Count);
        for (var i = 0; i < assetIds.Count; i++)
        {
            var id = assetIds[i] ?? "";
            if (Why(id) is { } why)
            {
                throw new IpsFaultException(IpsFault.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Failed to retrieve URLs for selected assets. Asset ID {i + 1} '{Shown(id)}' {why}.")));
            }

            checkedIds.Add(id);
        }

        return checkedIds;
    }

    /// <summary>Null when the ID passes, else why not.</summary>
    public static string? Why(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0)
        {
            return "is empty";
        }

        if (id.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"is {id.Length} characters long, at most {MaxLength} are allowed");
        }

        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains whitespace or a control character at position {i + 1}");
            }

            if (c is '/' or '\\' or '?' or '#')
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains '{c}' at position {i + 1}, which would move it out of its place in the URL");
            }
        }

        return null;
    }

    private static string Shown(string id)
    {
        var printable = string.Concat(id.Take(60).Select(c => char.IsControl(c) ? '?' : c));
        return id.Length <= 60 ? printable : printable + "...";
    }
}
