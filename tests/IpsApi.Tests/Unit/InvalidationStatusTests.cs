using IpsApi.Core.Invalidation;

namespace IpsApi.Tests.Unit;

public sealed class InvalidationStatusTests
{
    [Theory]
    [InlineData("Received", "Received", "Received")]
    [InlineData("Received", "Done", "Received")]
    [InlineData("FlushingOrigin", "FlushingCdn", "FlushingOrigin", "Done")]
    [InlineData("FlushingCdn", "FlushingCdn", "Done")]
    [InlineData("Done", "Done", "Done")]
    public void Derive_InProgress_IsTheLeastAdvancedBatch(string expected, params string[] batches) =>
        Assert.Equal(expected, InvalidationStatus.Derive(batches));

    [Fact]
    public void Derive_AnyBatchFailed_IsError() =>
        Assert.Equal("ERROR", InvalidationStatus.Derive(["Done", "ERROR_CDN_NODE", "ERROR", "FlushingCdn"]));

    [Fact]
    public void Derive_CdnTierFailed_IsErrorCdnNode() =>
        Assert.Equal("ERROR_CDN_NODE", InvalidationStatus.Derive(["Done", "ERROR_CDN_NODE", "Done"]));

    [Theory]
    [InlineData("Done", true)]
    [InlineData("ERROR", true)]
    [InlineData("ERROR_CDN_NODE", true)]
    [InlineData("Received", false)]
    [InlineData("FlushingCdn", false)]
    public void IsTerminal_OnlyDoneAndErrors(string status, bool terminal) =>
        Assert.Equal(terminal, InvalidationStatus.IsTerminal(status));
}
