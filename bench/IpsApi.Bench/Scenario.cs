namespace IpsApi.Bench;

/// <summary>A request shape: how many URLs each request carries, and the pre-built bodies sent in turn.</summary>
internal sealed record Scenario(int UrlsPerRequest, IReadOnlyList<byte[]> Bodies)
{
    public string Name => UrlsPerRequest == 1 ? "1 URL" : $"{UrlsPerRequest} URLs";

    public double AverageBodyBytes => Bodies.Average(b => (double)b.Length);
}
