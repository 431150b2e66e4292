namespace IpsApi.Core.Companies;

/// <summary>A change to a company's settings: null leaves a setting as it is. Values are checked by <see cref="CompanyRules"/>.</summary>
public sealed record CompanyChange
{
    public int? RequestsPerMinute { get; init; }

    public int? UrlsPerHour { get; init; }

    public bool? InvalidationEnabled { get; init; }

    public bool? AllVariants { get; init; }

    /// <summary>Replaces the list; <c>[0]</c> clears it.</summary>
    public IReadOnlyList<int>? AkamaiCpCodes { get; init; }

    /// <summary>"" clears it.</summary>
    public string? FastlyServiceId { get; init; }

    /// <summary>"" clears it.</summary>
    public string? FastlySurrogateKey { get; init; }

    /// <summary>Replaces the list.</summary>
    public IReadOnlyList<string>? PublishHosts { get; init; }

    public bool IsEmpty =>
        RequestsPerMinute is null && UrlsPerHour is null && InvalidationEnabled is null && AllVariants is null && AkamaiCpCodes is null
        && FastlyServiceId is null && FastlySurrogateKey is null && PublishHosts is null;
}
