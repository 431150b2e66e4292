using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge;

/// <summary>
/// Which providers purge a company's URLs, tier by tier: the origin tier (the image servers'
/// caches), then the CDN tier. Defaults follow what is configured: Varnish nodes make Varnish the
/// origin tier, Akamai or Fastly credentials make them the CDN tier, and with nothing configured
/// the <c>log</c> provider records the purge so that a request still reaches <c>Done</c>.
/// </summary>
public sealed class PurgeRouting
{
    private readonly IReadOnlyList<PurgeTier> defaults;
    private readonly Dictionary<string, IReadOnlyList<PurgeTier>> perCompany = new(StringComparer.OrdinalIgnoreCase);

    public PurgeRouting(IOptions<PurgeOptions> options, IConfiguration configuration, IEnumerable<IPurgeProvider> providers)
    {
        var purge = options.Value;

        // Every registered provider may be named; the built-in network ones only once configured.
        var configured = providers.Select(p => p.Name).Distinct().ToDictionary(name => name, _ => true, StringComparer.Ordinal);
        configured["varnish"] = configuration.GetSection("Purge:Varnish:Nodes").GetChildren().Any(n => !string.IsNullOrWhiteSpace(n.Value));
        configured["akamai"] = !string.IsNullOrWhiteSpace(configuration["Purge:Akamai:Host"]);
        configured["fastly"] = !string.IsNullOrWhiteSpace(configuration["Purge:Fastly:ApiToken"]);

        var origin = Parse(purge.Origin, "Purge:Origin", configured) ?? (configured["varnish"] ? ["varnish"] : []);
        var cdn = Parse(purge.Cdn, "Purge:Cdn", configured)
            ?? [.. new[] { "akamai", "fastly" }.Where(name => configured[name])];
        if (origin.Count == 0 && cdn.Count == 0 && purge.Origin is null && purge.Cdn is null)
        {
            origin = ["log"];
        }

        // A company routed to no provider would see its requests Done with nothing purged.
        defaults = Tiers(origin, cdn);
        if (defaults.Count == 0)
        {
            throw new ConfigurationException(
                "Purge:Origin and Purge:Cdn name no purge provider: requests would be Done with nothing purged. Name one (varnish, akamai, fastly, or log to only record purges).");
        }

        foreach (var (root, tiers) in purge.Companies)
        {
            perCompany[root] = Tiers(
                Parse(tiers.Origin, $"Purge:Companies:{root}:Origin", configured) ?? origin,
                Parse(tiers.Cdn, $"Purge:Companies:{root}:Cdn", configured) ?? cdn);
            if (perCompany[root].Count == 0)
            {
                throw new ConfigurationException(
                    $"Purge:Companies:{root}:Origin and Purge:Companies:{root}:Cdn leave company {root} with no purge provider: its requests would be Done with nothing purged. Name one (varnish, akamai, fastly, or log).");
            }
        }
    }

    /// <summary>The tiers of the company's purges, in order; tiers without providers are left out.</summary>
    public IReadOnlyList<PurgeTier> For(Company company) =>
        perCompany.TryGetValue(company.RootId, out var tiers) ? tiers : defaults;

    private static string Describe(IReadOnlyList<PurgeTier> tiers) =>
        tiers.Count == 0 ? "no tiers" : string.Join(" → ", tiers.Select(t => $"{t.Status}: {string.Join(", ", t.Providers)}"));

    public string DescribeDefault() => Describe(defaults);

    private static List<PurgeTier> Tiers(IReadOnlyList<string> origin, IReadOnlyList<string> cdn)
    {
        var tiers = new List<PurgeTier>(2);
        if (origin.Count > 0)
        {
            tiers.Add(new PurgeTier(InvalidationStatus.FlushingOrigin, origin));
        }

        if (cdn.Count > 0)
        {
            tiers.Add(new PurgeTier(InvalidationStatus.FlushingCdn, cdn));
        }

        return tiers;
    }

    /// <summary>A comma-separated provider list; <c>none</c> is an empty tier; null when unset.</summary>
    private static List<string>? Parse(string? value, string key, Dictionary<string, bool> configured)
    {
        if (value is null)
        {
            return null;
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (names is ["none"])
        {
            return [];
        }

        foreach (var name in names)
        {
            if (!configured.TryGetValue(name, out var isConfigured))
            {
                throw new ConfigurationException($"{key} names an unknown purge provider '{name}' (known: {string.Join(", ", configured.Keys.Order())}, or none).");
            }

            if (!isConfigured)
            {
                throw new ConfigurationException(name switch
                {
                    "varnish" => $"{key} names varnish, but Purge:Varnish:Nodes is empty.",
                    "akamai" => $"{key} names akamai, but Purge:Akamai:Host is not set.",
                    _ => $"{key} names fastly, but Purge:Fastly:ApiToken is not set.",
                });
            }
        }

        return names;
    }
}
