using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IpsApi.Core.Hooks;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Hooks;

/// <summary>The replay window at its edge, on a clock that moves only when the test moves it, on either store.</summary>
public sealed class AssetVersionReplayWindowTests
{
    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task SameBody_JustInsideFiveMinutes_IsAReplay_AtFiveMinutes_IsANewRequest_ThatLaterReplaysAnswer(string provider)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var postgres = provider == "Postgres";
        var database = postgres ? await TestPostgres.CreateDatabaseAsync() : $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("ipsapi-hook-").FullName, "ipsapi.db")}";
        try
        {
            await using var server = await TestServer.StartAsync(
                new Dictionary<string, string?> { ["Database:Provider"] = provider, ["ConnectionStrings:IpsApi"] = database, ["Purge:Workers"] = "0" },
                services => services.AddSingleton<TimeProvider>(clock));
            var acme = await HookCompany.AddAsync(server);
            var body = acme.Body("spinset");

            var first = await DeliverAsync(server, acme, body);
            clock.Advance(AssetVersionHook.ReplayWindow - TimeSpan.FromMilliseconds(1));
            var inside = await DeliverAsync(server, acme, body);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var atEdge = await DeliverAsync(server, acme, body);
            var again = await DeliverAsync(server, acme, body);

            Assert.Equal((first.Handle, true), inside);
            Assert.False(atEdge.Replayed);
            Assert.NotEqual(first.Handle, atEdge.Handle);
            Assert.Equal((atEdge.Handle, true), again);
            Assert.Equal(2, await server.WithDbAsync(db => db.InvalidationRequests.CountAsync()));
            Assert.Equal(1, await server.WithDbAsync(db => db.HookDeliveries.CountAsync()));
        }
        finally
        {
            if (postgres)
            {
                await TestPostgres.DropDatabaseAsync(database);
            }
        }
    }

    private static async Task<(string Handle, bool Replayed)> DeliverAsync(TestServer server, HookCompany company, string body)
    {
        using var response = await HookCompany.PostAsync(server, body, company.Sign(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (answer.GetProperty("handle").GetString()!, answer.GetProperty("replayed").GetBoolean());
    }
}
