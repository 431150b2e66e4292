using System.Globalization;

namespace IpsApi.Core.Diagnostics;

/// <summary>Shared wording of the checks: elapsed time, and a far side's text cut to one short line.</summary>
internal static class CheckText
{
    private const int ReasonLimit = 200;

    public static string Took(TimeSpan elapsed) => $"in {elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    public static string OneLine(string? text)
    {
        var line = string.Join(' ', (text ?? "").Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= ReasonLimit ? line : line[..(ReasonLimit - 1)] + "…";
    }
}
