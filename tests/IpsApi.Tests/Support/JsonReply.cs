using System.Net;
using System.Text.Json;

namespace IpsApi.Tests.Support;

/// <summary>A reply of the JSON API: status, body (parsed on demand), media type, Location and challenges.</summary>
public sealed record JsonReply(HttpStatusCode Status, string Body, string? MediaType, string? Location, IReadOnlyList<string> Challenges)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string String(string member) => Json.GetProperty(member).GetString()!;

    public int Int(string member) => Json.GetProperty(member).GetInt32();

    /// <summary>Asserts a problem details reply: its media type, status, title, fault code and detail.</summary>
    public void AssertProblem(HttpStatusCode status, int faultCode, string detail, string? title = null)
    {
        Assert.True(status == Status, $"expected {(int)status}, got {(int)Status}: {Body}");
        Assert.Equal("application/problem+json", MediaType);
        var json = Json;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.Equal(faultCode, json.GetProperty("faultCode").GetInt32());
        Assert.Equal(detail, json.GetProperty("detail").GetString());
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#section-15.", json.GetProperty("type").GetString(), StringComparison.Ordinal);
        if (title is not null)
        {
            Assert.Equal(title, json.GetProperty("title").GetString());
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        }
    }
}
