using IpsApi.Core.Companies;

namespace IpsApi.Core.Templates;

/// <summary>
/// Every entry of a template for every asset, asset by asset and in the template's order, each URL once.
/// Stops after <c>limit + 1</c> URLs: a list over the limit is refused anyway, and the work stays bounded
/// however many assets and entries there are.
/// </summary>
public static class TemplateExpansion
{
    /// <summary>
    /// The template URLs of <paramref name="assetIds"/> for <paramref name="company"/>, each once and none of
    /// <paramref name="alreadyListed"/> (the URLs given by hand, which come first), stopping once the URLs in all
    /// number more than <paramref name="limit"/>.
    /// </summary>
    public static IReadOnlyList<ExpandedUrl> Expand(
        Company company, IReadOnlyList<TemplateLine> lines, IReadOnlyList<string> assetIds, IReadOnlyCollection<string?> alreadyListed, int limit)
    {
        ArgumentNullException.ThrowIfNull(company);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(assetIds);
        ArgumentNullException.ThrowIfNull(alreadyListed);
        var seen = new HashSet<string>(alreadyListed.OfType<string>(), StringComparer.Ordinal);
        var expanded = new List<ExpandedUrl>();
        var firstHost = company.PublishHosts.Count > 0 ? company.PublishHosts[0] : "";
        foreach (var assetId in assetIds)
        {
            foreach (var line in lines)
            {
                var url = InvalidationTemplate.Apply(line, assetId, firstHost, company.RootId);
                if (!seen.Add(url))
                {
                    continue;
                }

                expanded.Add(new ExpandedUrl(url, line.Number, assetId));
                if (alreadyListed.Count + expanded.Count > limit)
                {
                    return expanded;
                }
            }
        }

        return expanded;
    }
}
