namespace IpsApi.Core.Invalidation;

/// <summary>How an invalidation came about, as the invalidation log shows it.</summary>
public static class InvalidationKinds
{
    /// <summary>Somebody asked: a SOAP call, the JSON API, the console or the <c>ipsapi</c> command.</summary>
    public const string Manual = "manual";

    /// <summary>A new version of an asset replaced the old one's URLs without anyone asking.</summary>
    public const string Automatic = "automatic";
}

/// <summary>What an invalidation clears.</summary>
public static class InvalidationScopes
{
    /// <summary>The URLs listed.</summary>
    public const string Urls = "urls";

    /// <summary>The company's entire cache, on every tier.</summary>
    public const string All = "all";
}
