using System.Globalization;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// How the console names what the log stores, in the words of the invalidation page it follows (Scaleflex's
/// "Optimization › Invalidation"): status names with a style class whose colour repeats, and never replaces, the
/// text; scopes <c>Original</c> and <c>All</c>; instants as UTC ISO 8601 for a <c>&lt;time&gt;</c> element.
/// </summary>
public static class ConsoleText
{
    public static string StatusName(string status) => status switch
    {
        InvalidationStatus.FlushingOrigin => "Flushing origin servers",
        InvalidationStatus.FlushingCdn => "Flushing CDN servers",
        _ => status,
    };

    /// <summary>The style class of a status: done, failed, or on its way.</summary>
    public static string StatusClass(string status) => status switch
    {
        InvalidationStatus.Done => "status status-done",
        InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode => "status status-error",
        _ => "status status-busy",
    };

    public static string ScopeName(string scope) => scope == InvalidationScopes.All ? "All" : "Original";

    public static string KindName(string kind) => kind == InvalidationKinds.Automatic ? "Automatic" : "Manual";

    /// <summary>The machine-readable instant of a <c>&lt;time datetime&gt;</c>: UTC, to the second.</summary>
    public static string IsoUtc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The text shown until the script puts the browser's local time in its place.</summary>
    public static string ReadableUtc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
