namespace IpsApi.Core.Templates;

/// <summary>A URL a template produced, with the template line and the asset ID it came from.</summary>
public sealed record ExpandedUrl(string Url, int Line, string AssetId)
{
    /// <summary>How faults name where the URL came from.</summary>
    public string Origin => $"template line {Line}, asset '{AssetId}'";
}
