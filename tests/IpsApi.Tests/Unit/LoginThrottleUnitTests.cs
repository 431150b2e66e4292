using System.ComponentModel.DataAnnotations;
using System.Net;
using IpsApi.Core.Users.Throttling;

namespace IpsApi.Tests.Unit;

public sealed class LoginThrottleUnitTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("fe80::1%2", "fe80::/64")]
    [InlineData("::1", "::/64")]
    public void AddressKey_IsTheIPv4Address_OrTheIPv6Slash64(string address, string key) =>
        Assert.Equal(key, ThrottleKeys.AddressKey(IPAddress.Parse(address)));

    [Fact]
    public void AddressKey_WithoutAnAddress_IsNull() => Assert.Null(ThrottleKeys.AddressKey(null));

    [Fact]
    public void UserNameKey_IsTheName_UpToTheLongestEmail_ThenItsHash()
    {
        var longest = new string('a', ThrottleKeys.MaxKeyLength - "@x".Length) + "@x";
        var longer = longest + "y";

        Assert.Equal(longest, ThrottleKeys.UserNameKey(longest));
        Assert.Matches("^sha256:[0-9a-f]{64}$", ThrottleKeys.UserNameKey(longer));
        Assert.Equal(ThrottleKeys.UserNameKey(longer), ThrottleKeys.UserNameKey(longer));
        Assert.NotEqual(ThrottleKeys.UserNameKey(longer), ThrottleKeys.UserNameKey(longer + "z"));
    }

    [Theory]
    [InlineData(4, 1, false)]
    [InlineData(5, 1, true)]
    [InlineData(9, 1, true)]
    [InlineData(5, 0, false)]
    [InlineData(5, -1, false)]
    public void IsLocked_AtTheLimit_UntilTheWindowEnds(int failures, int windowEndsInSeconds, bool locked) =>
        Assert.Equal(locked, Row(AuthFailureKind.UserName, failures, windowEndsInSeconds).IsLocked(5, Now));

    [Fact]
    public void Decisions_UseEachKindsOwnLimit()
    {
        var options = new LoginThrottleOptions { MaxFailuresPerUserName = 5, MaxFailuresPerAddress = 30 };
        var name = Row(AuthFailureKind.UserName, 5, 60);
        var address = Row(AuthFailureKind.Address, 5, 60);

        Assert.Same(name, LoginThrottle.LockedBy([address, name], options, Now));
        Assert.Null(LoginThrottle.LockedBy([address], options, Now));
        Assert.Equal([name], LoginThrottle.Reached([name, address], options));
        Assert.Null(LoginThrottle.OverLimit([name, address], options));
        var overAddress = Row(AuthFailureKind.Address, 31, 60);
        Assert.Same(overAddress, LoginThrottle.OverLimit([Row(AuthFailureKind.UserName, 1, 60), overAddress], options));
    }

    [Fact]
    public void Defaults_AreFivePerNameThirtyPerAddressInFifteenMinutes_AndHalfTheCoresForHashes()
    {
        var options = new LoginThrottleOptions();

        Assert.Equal((5, 30, TimeSpan.FromMinutes(15)), (options.MaxFailuresPerUserName, options.MaxFailuresPerAddress, options.Window));
        Assert.Equal((Math.Max(1, Environment.ProcessorCount / 2), 32, 10), (options.MaxConcurrentHashes, options.MaxQueuedHashes, options.LockedRefusalsPerSecond));
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    private static AuthFailure Row(AuthFailureKind kind, int failures, int windowEndsInSeconds) =>
        new() { Kind = kind, Key = "k", Failures = failures, WindowEndsAt = Now.AddSeconds(windowEndsInSeconds) };
}
