using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;

namespace IpsApi.Tests.Unit;

public sealed class UrlRulesTests
{
    private static readonly string[] Prefixes = ["/is/image/", "/is/content/"];

    private static readonly Company Esquire = new()
    {
        Id = 6,
        Name = "JJ Esquire",
        RootId = "JJEsquire",
        PublishHosts = ["images.esquire.test", "cdn.esquire.test:8443"],
    };

    private static string? Why(string url) => UrlRules.Why(url, Esquire, Prefixes);

    [Theory]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe")]
    [InlineData("http://images.esquire.test/is/image/JJEsquire/shoe")]
    [InlineData("https://images.esquire.test/is/content/JJEsquire/video.mp4")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe?$thumbnail$")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe?req=userdata")]
    [InlineData("https://IMAGES.Esquire.TEST/is/image/JJEsquire/shoe")]
    [InlineData("https://cdn.esquire.test:8443/is/image/JJEsquire/shoe")]
    [InlineData("https://images.esquire.test/is/image/jjesquire/shoe")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/")]
    [InlineData("HTTPS://images.esquire.test/is/image/JJEsquire/shoe")]
    [InlineData("https://images.esquire.test:443/is/image/JJEsquire/shoe")]
    [InlineData("http://images.esquire.test:80/is/image/JJEsquire/shoe")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a.b/..c/d..")]
    public void Why_UrlOfTheCompany_Passes(string url) => Assert.Null(Why(url));

    [Theory]
    [InlineData("https://other.test/is/image/JJEsquire/shoe", "host 'other.test' is not a publish host of company c|6")]
    [InlineData("https://images.esquire.test:444/is/image/JJEsquire/shoe", "host 'images.esquire.test:444' is not a publish host")]
    [InlineData("https://images.esquire.test/is/image/Other/shoe", "its path is not under /is/image/JJEsquire/ or /is/content/JJEsquire/")]
    [InlineData("https://images.esquire.test/is/image/JJEsquireX/shoe", "its path is not under")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire", "its path is not under")]
    [InlineData("https://images.esquire.test/images/JJEsquire/shoe", "its path is not under")]
    [InlineData("https://images.esquire.test?/is/image/JJEsquire/x", "its path is not under")]
    [InlineData("ftp://images.esquire.test/is/image/JJEsquire/shoe", "the scheme is 'ftp'")]
    [InlineData("/is/image/JJEsquire/shoe", "it is not an absolute URL")]
    [InlineData("images.esquire.test/is/image/JJEsquire/shoe", "it is not an absolute URL")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe#top", "it has a fragment")]
    [InlineData("https://user:pw@images.esquire.test/is/image/JJEsquire/shoe", "it carries user information")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/../Other/shoe", "its path has a '.' or '..' segment")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/%2e%2E/Other/shoe", "its path has a '.' or '..' segment")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/./shoe", "its path has a '.' or '..' segment")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/..%2fOther/shoe", "encoded slash")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire\\..\\Other/shoe", "backslash")]
    [InlineData("", "it is empty")]
    [InlineData("https:///is/image/JJEsquire/shoe", "it is not an absolute URL")]
    [InlineData("https://images.esquire.test:99999/is/image/JJEsquire/shoe", "it is not an absolute URL")]
    [InlineData("https://images.esquire.test:x/is/image/JJEsquire/shoe", "it is not an absolute URL")]
    [InlineData("http://images.esquire.test:443/is/image/JJEsquire/shoe", "host 'images.esquire.test:443' is not a publish host")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/.%2E/Other", "its path has a '.' or '..' segment")]
    public void Why_UrlOutsideTheCompany_SaysWhy(string url, string expected) =>
        Assert.Contains(expected, Why(url), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe\r\nX-Injected: 1", 52)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/shoe\n", 52)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/sh oe", 50)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/sh\toe", 50)]
    [InlineData(" https://images.esquire.test/is/image/JJEsquire/shoe", 1)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/sh\u0001oe", 50)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/sh\u007foe", 50)]
    public void Why_WhitespaceOrControlCharacter_IsRefusedSoNoCrlfReachesAPurge(string url, int position) =>
        Assert.Equal($"it contains whitespace or a control character at position {position}", Why(url));

    [Theory]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a{b}", '{', 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a|b", '|', 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a\"b", '"', 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a<b>", '<', 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a?x=^", '^', 52)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a?x=`", '`', 52)]
    public void Why_CharacterBrowsersSendEncoded_IsRefusedNamingItsEncodedForm(string url, char c, int position) =>
        Assert.Equal($"it contains '{c}' at position {position}, which is not allowed in a URL: send it percent-encoded (%{(int)c:X2}), as browsers request it", Why(url));

    [Theory]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a%zz", 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a%4", 49)]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a?x=%", 52)]
    public void Why_PercentThatStartsNoEncodedByte_IsRefused(string url, int position) =>
        Assert.Equal($"the '%' at position {position} does not start a percent-encoded byte (%XX): write a literal '%' as %25", Why(url));

    [Theory]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/%41%7e%7E")]
    [InlineData("https://images.esquire.test/is/image/JJEsquire/a%20b?x=%41&$y$=1;2,3!*'()[]@:+")]
    public void Why_PercentEncodingAndReservedCharacters_Pass(string url) => Assert.Null(Why(url));

    [Fact]
    public void Check_UrlsNamingTheSameObject_CollapseIntoTheFirstSent_WithItsCanonicalTarget()
    {
        var sent = "https://IMAGES.esquire.test:443/is/image/JJEsquire/%41";
        var (problems, distinct) = UrlRules.Check(
            [sent, "https://images.esquire.test/is/image/JJEsquire/%41", "HTTPS://images.esquire.test/is/image/JJEsquire/A"], Esquire, Prefixes);

        Assert.Empty(problems);
        Assert.Equal(
            [(sent, "https://images.esquire.test/is/image/JJEsquire/%41"), ("HTTPS://images.esquire.test/is/image/JJEsquire/A", "https://images.esquire.test/is/image/JJEsquire/A")],
            distinct.Select(t => (t.Url, t.Canonical)));
    }

    [Fact]
    public void Why_NonAsciiCharacter_AsksForPercentEncoding() =>
        Assert.Equal("it contains a non-ASCII character at position 51 (percent-encode it)",
            Why("https://images.esquire.test/is/image/JJEsquire/sché"));

    [Fact]
    public void Why_UrlOf2048Characters_Passes()
    {
        var url = Padded(InvalidationOptions.MaxUrlLength);
        Assert.Equal(2048, url.Length);
        Assert.Null(Why(url));
    }

    [Fact]
    public void Why_UrlOf2049Characters_IsTooLong() =>
        Assert.Equal("it is 2049 characters long, at most 2048 are allowed", Why(Padded(2049)));

    [Fact]
    public void Check_ExactDuplicates_AreCollapsedInOrder()
    {
        var a = "https://images.esquire.test/is/image/JJEsquire/a";
        var b = "https://images.esquire.test/is/image/JJEsquire/b";
        var (problems, distinct) = UrlRules.Check([a, b, a, a + "?$x$", b], Esquire, Prefixes);
        Assert.Empty(problems);
        Assert.Equal([a, b, a + "?$x$"], distinct.Select(t => t.Url));
    }

    [Fact]
    public void Check_OneForeignUrl_IsReportedByItsPosition()
    {
        var good = "https://images.esquire.test/is/image/JJEsquire/a";
        var (problems, _) = UrlRules.Check([good, good, "https://images.esquire.test/is/image/Other/a", null], Esquire, Prefixes);
        Assert.Equal([3, 4], problems.Select(p => p.Position));
        Assert.Equal("it is empty", problems[1].Why);
    }

    [Fact]
    public void Describe_ListsTwentyProblemsAndCountsTheRest()
    {
        var problems = Enumerable.Range(1, 25).Select(i => new UrlProblem(i, $"https://x.test/{i}", "host 'x.test' is not a publish host")).ToList();
        var reason = UrlRules.Describe(problems, 30);
        Assert.StartsWith("Some URLs are not defined correctly. Correct and resubmit. 25 of 30 URLs refused; nothing was invalidated.", reason, StringComparison.Ordinal);
        Assert.Contains("URL 20 'https://x.test/20'", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("URL 21 ", reason, StringComparison.Ordinal);
        Assert.EndsWith("... and 5 more.", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_LongUrl_IsShortenedInTheReason()
    {
        var reason = UrlRules.Describe([new UrlProblem(1, Padded(3000), "too long")], 1);
        Assert.True(reason.Length < 400, reason);
        Assert.Contains("...': too long.", reason, StringComparison.Ordinal);
    }

    private static string Padded(int length)
    {
        var start = "https://images.esquire.test/is/image/JJEsquire/";
        return start + new string('a', length - start.Length);
    }
}
