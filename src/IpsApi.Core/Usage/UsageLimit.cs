namespace IpsApi.Core.Usage;

/// <summary>A company's usage rule with a window: what it counts, over how long, and how a fault names it.</summary>
public sealed record UsageLimit(string Name, TimeSpan Window)
{
    /// <summary>Accepted requests in the last 60 s (<c>Company.RequestsPerMinute</c>): every request counts 1, whatever its scope.</summary>
    public static readonly UsageLimit RequestsPerMinute = new("requests per minute", TimeSpan.FromMinutes(1));

    /// <summary>URLs accepted in the last 3600 s (<c>Company.UrlsPerHour</c>): a request counts its URLs (a purge of scope <c>all</c> none).</summary>
    public static readonly UsageLimit UrlsPerHour = new("URLs per hour", TimeSpan.FromHours(1));
}
