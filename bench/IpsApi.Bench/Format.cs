using System.Globalization;

namespace IpsApi.Bench;

/// <summary>Culture-invariant number formatting for the printed figures.</summary>
internal static class Format
{
    /// <summary>A rate or count with thousands separators and <paramref name="decimals"/> decimals.</summary>
    public static string N(double value, int decimals = 0) =>
        double.IsNaN(value) ? "n/a" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Milliseconds with one decimal (two below 10 ms).</summary>
    public static string Ms(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>CPU cores (CPU seconds per wall second) with two decimals.</summary>
    public static string Cores(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Bytes as B, KB, MB (1024-based) with one decimal above bytes.</summary>
    public static string Bytes(double value) => value switch
    {
        double.NaN => "n/a",
        < 1024 => $"{value.ToString("0", CultureInfo.InvariantCulture)} B",
        < 1024 * 1024 => $"{(value / 1024).ToString("0.0", CultureInfo.InvariantCulture)} KB",
        _ => $"{(value / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MB",
    };

    public static string Ratio(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>An argument as a POSIX shell would need it quoted.</summary>
    public static string ShellQuote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
