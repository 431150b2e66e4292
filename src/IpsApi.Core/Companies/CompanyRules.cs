using IpsApi.Core.Callbacks;

namespace IpsApi.Core.Companies;

/// <summary>
/// What each company setting may hold, for every way of changing it (the command line, the web console).
/// Each check returns the value as stored (trimmed, lower-cased where the rule says so) or throws an
/// <see cref="InvalidSettingException"/> naming the setting.
/// </summary>
public static class CompanyRules
{
    public const int MaxNameLength = 200;
    public const int MaxRootLength = 100;
    public const int MaxLimit = 1_000_000_000;
    public const int MaxFastlyServiceLength = 100;
    public const int MaxSurrogateKeyLength = 200;

    public static string Name(string? value) => Text(value, "name", MaxNameLength);

    /// <summary>The company's folder in delivery URLs: ASCII letters, digits, '_', '-' and '.', not '.' or '..'.</summary>
    public static string Root(string? value)
    {
        var root = Text(value, "root", MaxRootLength);
        return root.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && root is not ("." or "..")
            ? root
            : throw new InvalidSettingException("root", $"'{root}' may hold only ASCII letters, digits, '_', '-' and '.'");
    }

    /// <summary>A host name or IPv4 address, optionally with a port; stored lower case.</summary>
    public static string PublishHost(string? value)
    {
        var host = (value ?? "").Trim().ToLowerInvariant();
        return Uri.CheckHostName(host.Split(':')[0]) is UriHostNameType.Dns or UriHostNameType.IPv4
            && (!host.Contains(':', StringComparison.Ordinal) || (ushort.TryParse(host.Split(':')[1], out var port) && port > 0))
            ? host
            : throw new InvalidSettingException("publish-host", $"'{value}' is not a host name or host:port");
    }

    /// <summary>A usage limit (<c>requests-per-minute</c>, <c>urls-per-hour</c>): 0 is unlimited.</summary>
    public static int Limit(int value, string setting) =>
        value is >= 0 and <= MaxLimit ? value : throw new InvalidSettingException(setting, $"must be from 0 (unlimited) to {MaxLimit}");

    /// <summary>An Akamai CP code: positive; a lone 0 stands for "clear the list".</summary>
    public static int CpCode(int value, bool alone) =>
        value > 0 || (value == 0 && alone)
            ? value
            : throw new InvalidSettingException("akamai-cpcode", $"{value} is not a CP code (a positive number; 0 alone clears the list)");

    /// <summary>A Fastly service ID or surrogate key: "" clears it (null stored).</summary>
    public static string? Token(string value, string setting, int maxLength) =>
        value.Length == 0 ? null
        : value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':') ? value
        : throw new InvalidSettingException(setting, $"'{value}' must be up to {maxLength} ASCII letters, digits, '_', '-', '.' or ':'");

    public static string CallbackUrl(string? value) =>
        CallbackUrlRules.Problem(value) is { } problem ? throw new InvalidSettingException("url", problem) : value!;

    private static string Text(string? value, string setting, int maxLength)
    {
        value = value?.Trim() ?? "";
        return value.Length is > 0 && value.Length <= maxLength ? value : throw new InvalidSettingException(setting, $"must be 1 to {maxLength} characters");
    }
}
