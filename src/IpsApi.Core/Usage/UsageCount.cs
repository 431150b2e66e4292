namespace IpsApi.Core.Usage;

/// <summary>
/// A company's usage rules as its row says inside the accept transaction, and what it has used of them: the
/// requests accepted in the last minute and the URLs in the last hour (0 where the rule is off, uncounted).
/// </summary>
public sealed record UsageCount(bool InvalidationEnabled, int RequestsPerMinute, int UrlsPerHour, int RequestsLastMinute, long UrlsLastHour)
{
    /// <summary>The rule a request of <paramref name="urlCount"/> URLs would break, or null when it fits both.</summary>
    public UsageLimit? Broken(int urlCount) =>
        RequestsPerMinute > 0 && RequestsLastMinute + 1 > RequestsPerMinute ? UsageLimit.RequestsPerMinute
        : UrlsPerHour > 0 && UrlsLastHour + urlCount > UrlsPerHour ? UsageLimit.UrlsPerHour
        : null;

    /// <summary>
    /// How much of <paramref name="limit"/> the requests still in its window may use for this request to fit
    /// (negative when the request alone is over it and can never fit).
    /// </summary>
    public long Room(UsageLimit limit, int urlCount) =>
        limit == UsageLimit.RequestsPerMinute ? RequestsPerMinute - 1 : (long)UrlsPerHour - urlCount;
}
