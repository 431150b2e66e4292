using System.Globalization;

namespace IpsApi.Core.Companies;

/// <summary>IPS-style company handles: <c>c|{id}</c>.</summary>
public static class CompanyHandle
{
    private const string Prefix = "c|";

    public static string Format(int companyId) => Prefix + companyId.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? handle, out int companyId)
    {
        companyId = 0;
        return handle is not null
            && handle.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(handle.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out companyId)
            && companyId > 0;
    }
}
