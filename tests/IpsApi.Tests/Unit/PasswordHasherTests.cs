using IpsApi.Core.Users;

namespace IpsApi.Tests.Unit;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_IsSaltedPbkdf2Sha512AtOwaspWorkFactor_AndNeverThePassword()
    {
        var first = PasswordHasher.Hash("correct horse battery staple");
        var second = PasswordHasher.Hash("correct horse battery staple");
        var parts = first.Split('$');
        Assert.Equal("pbkdf2-sha512", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 210_000);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain("horse", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RightPassword_Matches() =>
        Assert.True(PasswordHasher.Verify("s3cret-pass", PasswordHasher.Hash("s3cret-pass")));

    [Theory]
    [InlineData("s3cret-pasS")]
    [InlineData("s3cret-pass ")]
    [InlineData("")]
    public void Verify_OtherPassword_DoesNotMatch(string attempt) =>
        Assert.False(PasswordHasher.Verify(attempt, PasswordHasher.Hash("s3cret-pass")));

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha512$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha512$1000$not base64$AAAA")]
    [InlineData("md5$1000$AAAA$AAAA")]
    public void Verify_MalformedStoredHash_NeverMatches(string stored) =>
        Assert.False(PasswordHasher.Verify("plain-text-password", stored));
}
