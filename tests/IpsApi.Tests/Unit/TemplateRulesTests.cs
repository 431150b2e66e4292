using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Templates;

namespace IpsApi.Tests.Unit;

/// <summary>The template text rules, what one entry yields for an asset, the expansion's order and the asset ID rules.</summary>
public sealed class TemplateRulesTests
{
    private static readonly Company Acme = new() { Id = 1, Name = "Acme", RootId = "Acme", PublishHosts = ["img.acme.test", "cdn.acme.test"] };

    [Fact]
    public void Parse_2500Characters_Passes_2501_IsRefusedWithBothCounts()
    {
        const string line = "https://img.acme.test/is/image/Acme/<ID>?$p$\n";
        var text = string.Concat(Enumerable.Repeat(line, 2500 / line.Length));
        var exactly = text + "<ID>" + new string(' ', 2500 - text.Length - 4);
        Assert.Equal(2500, exactly.Length);

        Assert.Equal(2500 / line.Length + 1, InvalidationTemplate.Parse(exactly).Count);
        var refused = Assert.Throws<IpsFaultException>(() => InvalidationTemplate.Parse(exactly + " "));
        Assert.Equal(FaultCodes.InvalidParameter, refused.Fault.Code);
        Assert.Equal("The CDN invalidation template can save text up to 2500 characters; this one has 2501.", refused.Fault.Reason);
    }

    [Fact]
    public void Parse_LineWithoutId_IsRefusedNamingItsLineNumber_BlankLinesCounted()
    {
        var refused = Assert.Throws<IpsFaultException>(() => InvalidationTemplate.Parse("<ID>\n\r\n  \nhttps://img.acme.test/is/image/Acme/logo\n"));
        Assert.Equal(FaultCodes.InvalidParameter, refused.Fault.Code);
        Assert.StartsWith("CDN invalidation template line 4 'https://img.acme.test/is/image/Acme/logo' has no <ID>", refused.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LineWithoutId_IsQuotedWithoutItsControlCharacters()
    {
        var refused = Assert.Throws<IpsFaultException>(() => InvalidationTemplate.Parse("<ID>\nhttps://x\u001b[2J/" + new string('a', 200)));
        Assert.StartsWith("CDN invalidation template line 2 'https://x?[2J/aaa", refused.Fault.Reason, StringComparison.Ordinal);
        Assert.Contains("a...' has no <ID>", refused.Fault.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', refused.Fault.Reason);
    }

    [Fact]
    public void Parse_SkipsBlankLines_TrimsEntries_NumbersThemByLine()
    {
        var lines = InvalidationTemplate.Parse("\n  <ID>  \r\n\nhttps://img.acme.test/is/image/Acme/<ID>?$thumb$\n");
        Assert.Equal([new TemplateLine(2, "<ID>"), new TemplateLine(4, "https://img.acme.test/is/image/Acme/<ID>?$thumb$")], lines);
        Assert.Empty(InvalidationTemplate.Parse(" \n\n"));
    }

    [Fact]
    public void Apply_IdAlone_IsTheImageUrlOnTheFirstPublishHost()
        => Assert.Equal("https://img.acme.test/is/image/Acme/spinset", InvalidationTemplate.Apply(new TemplateLine(1, "<ID>"), "spinset", "img.acme.test", "Acme"));

    [Theory]
    [InlineData("https://img.acme.test/is/image/Acme/<ID>?$thumb$", "https://img.acme.test/is/image/Acme/Spin_Set?$thumb$")]
    [InlineData("https://img.acme.test/is/image/Acme/<ID>?wid=300&hei=300&fmt=webp", "https://img.acme.test/is/image/Acme/Spin_Set?wid=300&hei=300&fmt=webp")]
    [InlineData("http://cdn.acme.test:8080/is/content/Acme/<ID>", "http://cdn.acme.test:8080/is/content/Acme/Spin_Set")]
    [InlineData("https://img.acme.test/is/image/Acme/<ID>:Square?$PDP$&<ID>", "https://img.acme.test/is/image/Acme/Spin_Set:Square?$PDP$&Spin_Set")]
    public void Apply_PresetsAndModifiers_AreKeptExactlyAsWritten(string entry, string expected)
        => Assert.Equal(expected, InvalidationTemplate.Apply(new TemplateLine(1, entry), "Spin_Set", "img.acme.test", "Acme"));

    [Fact]
    public void Expand_IsAssetMajor_InTemplateOrder_EachUrlOnce_SkippingUrlsListedAlready()
    {
        var lines = InvalidationTemplate.Parse("<ID>\nhttps://img.acme.test/is/image/Acme/<ID>?$thumb$\nhttps://img.acme.test/is/image/Acme/<ID>");
        var expanded = TemplateExpansion.Expand(Acme, lines, ["a", "b", "a"], ["https://img.acme.test/is/image/Acme/b?$thumb$"], 1000);
        Assert.Equal(
            [
                new ExpandedUrl("https://img.acme.test/is/image/Acme/a", 1, "a"),
                new ExpandedUrl("https://img.acme.test/is/image/Acme/a?$thumb$", 2, "a"),
                new ExpandedUrl("https://img.acme.test/is/image/Acme/b", 1, "b"),
            ],
            expanded);
    }

    [Fact]
    public void Expand_StopsOneUrlPastTheLimit()
    {
        var lines = InvalidationTemplate.Parse("<ID>\n<ID>?a\n<ID>?b".Replace("<ID>?", "https://img.acme.test/is/image/Acme/<ID>?", StringComparison.Ordinal));
        var expanded = TemplateExpansion.Expand(Acme, lines, [.. Enumerable.Range(1, 1000).Select(i => $"a{i}")], ["https://img.acme.test/is/image/Acme/x"], 10);
        // One URL listed and ten expanded are eleven: one past the limit, enough to refuse the list; a4 is not expanded further.
        Assert.Equal(10, expanded.Count);
        Assert.Equal(new ExpandedUrl("https://img.acme.test/is/image/Acme/a4", 1, "a4"), expanded[^1]);
    }

    [Theory]
    [InlineData("spinset")]
    [InlineData("Backpack_B")]
    [InlineData("shoe-1.tif")]
    [InlineData("caf%C3%A9")]
    public void AssetIds_Ordinary_Pass(string id) => Assert.Null(AssetIds.Why(id));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a b", "contains whitespace or a control character at position 2")]
    [InlineData("a\tb", "contains whitespace or a control character at position 2")]
    [InlineData("a\u0001", "contains whitespace or a control character at position 2")]
    [InlineData("a/b", "contains '/' at position 2")]
    [InlineData("a?b", "contains '?' at position 2")]
    [InlineData("a#b", "contains '#' at position 2")]
    [InlineData("a\\b", "contains '\\' at position 2")]
    public void AssetIds_ThatWouldBreakTheUrl_AreRefused(string id, string why) => Assert.StartsWith(why, AssetIds.Why(id), StringComparison.Ordinal);

    [Fact]
    public void AssetIds_512Characters_Pass_513_AreRefused_NamingThePosition()
    {
        Assert.Null(AssetIds.Why(new string('a', AssetIds.MaxLength)));
        var refused = Assert.Throws<IpsFaultException>(() => AssetIds.Check(["ok", new string('a', AssetIds.MaxLength + 1)]));
        Assert.StartsWith("Failed to retrieve URLs for selected assets. Asset ID 2 'aaaa", refused.Fault.Reason, StringComparison.Ordinal);
        Assert.EndsWith("' is 513 characters long, at most 512 are allowed.", refused.Fault.Reason, StringComparison.Ordinal);
    }
}
