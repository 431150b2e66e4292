using IpsApi.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Console;

/// <summary>
/// The keys that protect console sessions and antiforgery tokens live in the store: what one node issued another
/// node accepts, and a node started later (a restart) still accepts it.
/// </summary>
public sealed class ConsoleKeyRingTests
{
    [Fact]
    public async Task SessionProtectedByOneNode_IsReadByAnotherNodeAndAfterARestart_WithTheKeyInTheStore()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            var settings = new Dictionary<string, string?> { ["Purge:Workers"] = "0" };
            string sealedPayload;
            await using (var first = await TestServer.StartOnPostgresAsync(connectionString, settings))
            {
                sealedPayload = Protector(first).Protect("session of admin@example.test");
                Assert.Equal(1, await first.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));

                await using var second = await TestServer.StartOnPostgresAsync(connectionString, settings);
                Assert.Equal("session of admin@example.test", Protector(second).Unprotect(sealedPayload));
            }

            await using var restarted = await TestServer.StartOnPostgresAsync(connectionString, settings);
            Assert.Equal("session of admin@example.test", Protector(restarted).Unprotect(sealedPayload));
            Assert.Equal(1, await restarted.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static IDataProtector Protector(TestServer server) =>
        server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("IpsApi.Tests.ConsoleKeyRing");
}
