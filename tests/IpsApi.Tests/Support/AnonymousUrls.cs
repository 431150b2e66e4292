using System.Globalization;

namespace IpsApi.Tests.Support;

/// <summary>Distinct delivery URLs for one test, with a query string, padded to a length.</summary>
public static class AnonymousUrls
{
    public static string[] Create(int count, int length = 80)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var url = $"https://images.example.com/is/image/acme/{run}-{i.ToString(CultureInfo.InvariantCulture)}?wid=300&fmt=webp&x=";
            return url + new string('x', Math.Max(0, length - url.Length));
        })];
    }
}
