using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Api;

/// <summary>The scopes as Scaleflex's API names them: <c>original</c> (the URLs listed) and <c>all</c> (the whole cache).</summary>
public static class ApiScopes
{
    public const string Original = "original";

    public const string All = "all";

    public static string FromStored(string scope) => scope == InvalidationScopes.All ? All : Original;
}
