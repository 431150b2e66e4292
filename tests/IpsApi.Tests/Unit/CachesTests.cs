using IpsApi.Core.Companies;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Unit;

public sealed class CachesTests
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CompanyCache_ServesFromMemoryUntilItsLifetimeEnds()
    {
        var cache = new CompanyCache(clock);
        var loads = 0;
        Task<Company?> Load(int id)
        {
            loads++;
            return Task.FromResult<Company?>(new Company { Id = id, Name = "n", RootId = $"r{loads}" });
        }

        var first = await cache.GetAsync(7, Load);
        clock.Advance(CompanyCache.Lifetime - TimeSpan.FromMilliseconds(1));
        var cached = await cache.GetAsync(7, Load);
        clock.Advance(TimeSpan.FromMilliseconds(2));
        var reloaded = await cache.GetAsync(7, Load);

        Assert.Same(first, cached);
        Assert.Equal(("r1", "r2", 2), (cached!.RootId, reloaded!.RootId, loads));
    }

    [Fact]
    public async Task CompanyCache_NeverRemembersAnUnknownCompany()
    {
        var cache = new CompanyCache(clock);
        var exists = false;
        Task<Company?> Load(int id) => Task.FromResult(exists ? new Company { Id = id, Name = "n", RootId = "r" } : null);

        Assert.Null(await cache.GetAsync(3, Load));
        exists = true;
        Assert.NotNull(await cache.GetAsync(3, Load));
    }

    [Fact]
    public void VerifiedCredentialCache_ForgetsWhenTheStoredHashChangesOrTimeRunsOut()
    {
        var cache = new VerifiedCredentialCache(clock);
        cache.Remember("a@example.test", "pw-one", "hash-1");

        Assert.True(cache.IsRemembered("a@example.test", "pw-one", "hash-1"));
        Assert.False(cache.IsRemembered("a@example.test", "pw-two", "hash-1"));
        Assert.False(cache.IsRemembered("a@example.test", "pw-one", "hash-2"));
        Assert.False(cache.IsRemembered("b@example.test", "pw-one", "hash-1"));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(cache.IsRemembered("a@example.test", "pw-one", "hash-1"));
    }
}
