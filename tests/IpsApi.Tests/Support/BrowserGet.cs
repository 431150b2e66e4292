namespace IpsApi.Tests.Support;

/// <summary>A GET of a cache as a browser sends it, to put an object in the cache (or see that it is there).</summary>
public static class BrowserGet
{
    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>
    /// GETs <paramref name="pathAndQuery"/> (starting with <c>/</c>) with <c>Host</c> as given, lower case without a
    /// default port, and the path not re-encoded; fails unless the answer is a success.
    /// </summary>
    public static async Task GetAsBrowserAsync(this HttpClient http, string host, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(http.BaseAddress + pathAndQuery[1..], AsWritten));
        request.Headers.Host = host;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
