namespace IpsApi.Core.Purge;

/// <summary>One company's tiers (<c>Purge:Companies:{root}</c>); an unset tier takes the default.</summary>
public sealed class PurgeTierOptions
{
    public string? Origin { get; set; }

    public string? Cdn { get; set; }
}
