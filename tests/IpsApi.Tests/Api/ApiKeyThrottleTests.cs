using System.Net;
using IpsApi.Core.Companies;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Api;

/// <summary>Bad API keys are counted by the login throttle: a prefix at its limit is refused even with the right key; other keys go on.</summary>
public sealed class ApiKeyThrottleTests : IAsyncLifetime
{
    private string connectionString = "";
    private TestServer server = null!;
    private Company company = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync();
        server = await TestServer.StartOnPostgresAsync(connectionString, new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "0",
            ["Auth:Throttle:MaxFailuresPerUserName"] = "3",
        });
        company = await server.AddCompanyAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task ThirdBadSecretForAPrefix_LocksIt_TheRightKeyIsThenRefused_AnotherKeyIsNot()
    {
        var key = await server.CreateKeyAsync(company.Handle, "locked");
        var other = await server.CreateKeyAsync(company.Handle, "other");
        var path = JsonApi.Company(company.Handle);
        var wrong = key.Key[..^1] + (key.Key[^1] == 'A' ? 'B' : 'A');

        var beforeLimit = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            beforeLimit.Add((await server.GetAsync(path, JsonApi.Bearer(wrong))).Status);
        }

        var rightBeforeLimit = await server.GetAsync(path, JsonApi.Bearer(key.Key));
        var third = await server.GetAsync(path, JsonApi.Bearer(wrong));
        var rightAfterLimit = await server.GetAsync(path, JsonApi.Bearer(key.Key));
        var otherKey = await server.GetAsync(path, JsonApi.Bearer(other.Key));
        var counted = await server.WithDbAsync(db => Task.FromResult(db.AuthFailures.Single(f => f.Key == "apikey:" + key.Info.Prefix).Failures));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], beforeLimit);
        Assert.Equal(HttpStatusCode.OK, rightBeforeLimit.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, third.Status);
        rightAfterLimit.AssertProblem(HttpStatusCode.Unauthorized, 10001, "Invalid credentials: the API key is not valid.");
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);
        Assert.Equal(3, counted);
    }
}
