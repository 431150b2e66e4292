using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;

namespace IpsApi.Tests.Unit;

public sealed class HandleTests
{
    [Fact]
    public void InvalidationHandle_RoundTrips()
    {
        var token = InvalidationHandle.NewToken();
        var handle = InvalidationHandle.Format(6, 42, token);
        Assert.Equal($"i|6|42|{token}", handle);
        Assert.True(InvalidationHandle.TryParse(handle, out var company, out var request, out var parsedToken));
        Assert.Equal((6, 42L, token), (company, request, parsedToken));
    }

    [Fact]
    public void InvalidationHandle_TokensAreUnguessable128BitValues()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => InvalidationHandle.NewToken()).ToList();
        Assert.Equal(1000, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{22}$", t));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("i|6|42")]
    [InlineData("i|6|42|short")]
    [InlineData("i|x|42|AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("c|6|42|AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("i|6|-1|AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("i|6|42|AAAAAAAAAAAAAAAAAAAAAA|x")]
    public void InvalidationHandle_Bogus_DoesNotParse(string? handle) =>
        Assert.False(InvalidationHandle.TryParse(handle, out _, out _, out _));

    [Theory]
    [InlineData("c|6", true, 6)]
    [InlineData("c|0", false, 0)]
    [InlineData("c|", false, 0)]
    [InlineData("c|-1", false, 0)]
    [InlineData("6", false, 0)]
    [InlineData("C|6", false, 0)]
    [InlineData("c| 6", false, 0)]
    public void CompanyHandle_Parses(string handle, bool valid, int id)
    {
        Assert.Equal(valid, CompanyHandle.TryParse(handle, out var parsed));
        Assert.Equal(id, parsed);
    }
}
