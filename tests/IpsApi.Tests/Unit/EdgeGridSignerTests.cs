using System.Text;
using System.Text.Json;
using IpsApi.Core.Purge.Akamai;

namespace IpsApi.Tests.Unit;

/// <summary>Akamai's published EdgeGrid test vectors (Data/edgegrid-vectors.json, copied from Akamai's reference clients).</summary>
public sealed class EdgeGridSignerTests
{
    private static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "edgegrid-vectors.json"))).RootElement;

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var test in Vectors.GetProperty("tests").EnumerateArray())
        {
            names.Add(test.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Authorization_MatchesAkamaisVector(string name)
    {
        var test = Vectors.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
        var baseUrl = new Uri(Vectors.GetProperty("base_url").GetString()!);
        var headers = test.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!);
        var body = test.TryGetProperty("data", out var data) ? Encoding.UTF8.GetBytes(data.GetString()!)
            : test.TryGetProperty("data_repeat", out var repeat) ? Encoding.UTF8.GetBytes(new string(repeat[0].GetString()![0], repeat[1].GetInt32()))
            : [];

        var authorization = EdgeGridSigner.Authorization(
            new EdgeGridCredentials(Text("client_token"), Text("access_token"), Text("client_secret")),
            test.GetProperty("method").GetString()!,
            new Uri(baseUrl, test.GetProperty("path").GetString()),
            headers,
            body,
            [.. Vectors.GetProperty("headers_to_sign").EnumerateArray().Select(h => h.GetString()!)],
            Vectors.GetProperty("max_body").GetInt32(),
            Text("timestamp"),
            Text("nonce"));

        Assert.Equal(
            $"EG1-HMAC-SHA256 client_token={Text("client_token")};access_token={Text("access_token")};timestamp={Text("timestamp")};nonce={Text("nonce")};"
            + $"signature={test.GetProperty("signature").GetString()}",
            authorization);
    }

    [Fact]
    public void Timestamp_IsAkamaisUtcForm() =>
        Assert.Equal("20140321T19:34:21+0000", EdgeGridSigner.Timestamp(new DateTimeOffset(2014, 3, 21, 20, 34, 21, TimeSpan.FromHours(1))));

    [Fact]
    public void Credentials_NeverPrintTheSecret() =>
        Assert.DoesNotContain("s3cr3t", new EdgeGridCredentials("ct", "at", "s3cr3t").ToString(), StringComparison.Ordinal);

    private static string Text(string property) => Vectors.GetProperty(property).GetString()!;
}
