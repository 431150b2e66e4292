using System.Diagnostics;
using System.Net;
using System.Text;
using IpsApi.Server.Soap;
using IpsApi.Tests.Support;
using Xunit.Abstractions;

namespace IpsApi.Tests.Wire;

/// <summary>Runs alone: it measures what the process allocates while a hostile request is answered.</summary>
[CollectionDefinition(nameof(XmlSafetyTests), DisableParallelization = true)]
public sealed class XmlSafetyCollection;

[Collection(nameof(XmlSafetyTests))]
public sealed class XmlSafetyTests(PostgresServerFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresServerFixture>
{
    private const int MaxDepth = SoapEndpointOptions.DefaultMaxElementDepth;
    private static readonly string DepthRefusal = $"nested more than {MaxDepth} levels deep";

    /// <summary>Levels above an <c>items</c> element: Envelope, Body, cdnCacheInvalidationParam, urlArray, items.</summary>
    private const int ItemsLevel = 5;

    /// <summary>Levels above a header element's content: Envelope, Header, the header element.</summary>
    private const int HeaderLevel = 3;

    private const string BillionLaughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lollollollollollollollollollol\">"
        + "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\"><!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\"><!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">]>";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task ExternalEntity_IsRefusedWithoutReadingTheFile()
    {
        var secretFile = Path.Combine(Path.GetTempPath(), $"ipsapi-xxe-{Guid.NewGuid():N}.txt");
        var marker = "XXE-MARKER-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(secretFile, marker);
        try
        {
            var envelope = $"<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file://{secretFile}\">]>"
                + Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), "&xxe;", [PostgresServerFixture.Url(fixture.CompanyA, "a")]).Replace("&amp;xxe;", "&xxe;", StringComparison.Ordinal);

            var reply = await Server.PostAsync(envelope);

            Assert.Equal(("ipsApiFault", 30003, "DOCTYPE declarations are not accepted in requests."), reply.Fault);
            Assert.DoesNotContain(marker, reply.Body, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public async Task EntityExpansion_IsRefusedWithoutGrowingMemory()
    {
        var envelope = BillionLaughs + Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), "&lol8;", [PostgresServerFixture.Url(fixture.CompanyA, "a")])
            .Replace("&amp;lol8;", "&lol8;", StringComparison.Ordinal);
        await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, []));

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var reply = await Server.PostAsync(envelope);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(30003, reply.Fault.Code);
        Assert.True(reply.Body.Length < 2000, $"the answer is {reply.Body.Length} characters");
        Assert.True(allocated < 8 * 1024 * 1024, $"answering allocated {allocated / 1024} KiB; an expansion of lol8 would take hundreds of MiB");
    }

    [Fact]
    public async Task DoctypeInUtf16Body_IsRefusedByTheParser()
    {
        var envelope = "<?xml version=\"1.0\" encoding=\"utf-16\"?><!DOCTYPE foo [<!ENTITY e \"x\">]>"
            + Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), "&e;", [PostgresServerFixture.Url(fixture.CompanyA, "a")]).Replace("&amp;e;", "&e;", StringComparison.Ordinal);
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(envelope)).ToArray();

        var reply = await Server.PostBytesAsync(bytes, "text/xml; charset=utf-16");

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains("DTD", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413FaultBeforeParsing()
    {
        var limit = IpsApi.Server.Soap.SoapEndpointOptions.DefaultMaxRequestBodyBytes;
        var body = new byte[limit + 1];
        Array.Fill(body, (byte)' ');

        var reply = await Server.PostBytesAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains($"larger than {limit} bytes", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413Fault()
    {
        var limit = IpsApi.Server.Soap.SoapEndpointOptions.DefaultMaxRequestBodyBytes;
        var reply = await Server.PostAsync("", configure: r =>
        {
            r.Content = new StreamContent(new MemoryStream(new byte[limit + 4096]));
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml");
            r.Headers.TransferEncodingChunked = true;
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal(30003, reply.Fault.Code);
    }

    [Fact]
    public async Task GzipBomb_Is413FaultWithoutDecodingPastTheLimit()
    {
        var limit = IpsApi.Server.Soap.SoapEndpointOptions.DefaultMaxRequestBodyBytes;
        var bomb = ContentCodings.Encode(new byte[50 * 1024 * 1024], "gzip");
        await Server.PostEncodedAsync(ContentCodings.Encode(Encoding.UTF8.GetBytes(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [])), "gzip"), "gzip");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var reply = await Server.PostEncodedAsync(bomb, "gzip");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.True(bomb.Length < 100 * 1024, $"the bomb is {bomb.Length} bytes compressed");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains($"larger than {limit} bytes", reply.Fault.Reason, StringComparison.Ordinal);
        // The buffer grows by doubling up to limit + 1 bytes (about twice the limit allocated in all); decoding
        // all 50 MiB would allocate at least that much.
        Assert.True(allocated < 4 * limit, $"answering allocated {allocated / 1024} KiB for a limit of {limit / 1024} KiB");
    }

    [Fact]
    public void BodyLimit_Fits1000MaximalUrlsAndLittleMore()
    {
        var limit = IpsApi.Server.Soap.SoapEndpointOptions.DefaultMaxRequestBodyBytes;
        Assert.InRange(limit, 1000L * (2048 + "<ns:items></ns:items>".Length), 1000L * 2048 * 11 / 10);
    }

    [Fact]
    public async Task NestingAttackInBody_OfOneMegabyte_IsRefusedForDepthBeforeCredentialsInLinearTime()
    {
        // Before the limit, 150,000 levels (1 MB) in <items> took about 16 s of server CPU, growing with the square of the depth.
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin.Email, "wrong password"), fixture.CompanyA.Handle, ["URL"])
            .Replace("URL", Nested(150_000), StringComparison.Ordinal);
        Assert.InRange(envelope.Length, 1_000_000, 1_100_000);

        var (reply, wall, cpu) = await TimedPostAsync(envelope);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains(DepthRefusal, reply.Fault.Reason, StringComparison.Ordinal);
        Assert.True(wall < TimeSpan.FromSeconds(1), $"answering took {wall.TotalMilliseconds:0} ms ({cpu.TotalMilliseconds:0} ms of CPU)");
    }

    [Fact]
    public async Task NestingAttackInHeader_OfOneMegabyte_WithValidCredentials_IsRefusedForDepthInLinearTime()
    {
        // Before the limit, 150,000 levels in an unknown header were read again at dispatch: about 50 s of server CPU.
        var envelope = Envelopes.Status(Envelopes.AuthHeader(fixture.Admin) + $"<x:deep xmlns:x=\"urn:x\">{Nested(150_000)}</x:deep>", "h");
        Assert.InRange(envelope.Length, 1_000_000, 1_100_000);

        var (reply, wall, cpu) = await TimedPostAsync(envelope);

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains(DepthRefusal, reply.Fault.Reason, StringComparison.Ordinal);
        Assert.True(wall < TimeSpan.FromSeconds(1), $"answering took {wall.TotalMilliseconds:0} ms ({cpu.TotalMilliseconds:0} ms of CPU)");
    }

    [Fact]
    public async Task HeaderNestedExactlyToTheLimit_IsAccepted()
    {
        var header = Envelopes.AuthHeader(fixture.Admin) + $"<x:deep xmlns:x=\"urn:x\">{Nested(MaxDepth - HeaderLevel)}</x:deep>";

        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "depth")]));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotEmpty(reply.Handle);
    }

    [Fact]
    public async Task HeaderNestedOneLevelPastTheLimit_IsRefusedSayingTheLimit()
    {
        var header = Envelopes.AuthHeader(fixture.Admin) + $"<x:deep xmlns:x=\"urn:x\">{Nested(MaxDepth - HeaderLevel + 1)}</x:deep>";

        var reply = await Server.PostAsync(Envelopes.Invalidate(header, fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "depth")]));

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains(DepthRefusal, reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyNestedExactlyToTheLimit_IsJudgedByTheSchemaNotRefusedForDepth()
    {
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, ["URL"])
            .Replace("URL", Nested(MaxDepth - ItemsLevel), StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains("content model is text only", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("nested more than", reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyNestedOneLevelPastTheLimit_IsRefusedSayingTheLimit()
    {
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, ["URL"])
            .Replace("URL", Nested(MaxDepth - ItemsLevel + 1), StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains(DepthRefusal, reply.Fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestingAfterTheBody_IsRefusedBeforeTheOperationIsBound()
    {
        var envelope = Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "after")])
            .Replace("</soapenv:Envelope>", $"<x:deep xmlns:x=\"urn:x\">{Nested(MaxDepth)}</x:deep></soapenv:Envelope>", StringComparison.Ordinal);

        var reply = await Server.PostAsync(envelope);

        Assert.Equal(30003, reply.Fault.Code);
        Assert.Contains(DepthRefusal, reply.Fault.Reason, StringComparison.Ordinal);
    }

    /// <summary><paramref name="levels"/> elements, each inside the one before.</summary>
    private static string Nested(int levels) =>
        new StringBuilder(levels * 7).Insert(0, "<a>", levels).Insert(levels * 3, "</a>", levels).ToString();

    /// <summary>Posts and measures the wall time and the CPU the process (the server, mostly) spent meanwhile; the collection runs alone.</summary>
    private async Task<(SoapReply Reply, TimeSpan Wall, TimeSpan Cpu)> TimedPostAsync(string envelope)
    {
        await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), "warm-up"));
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var reply = await Server.PostAsync(envelope);
        var wall = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        output.WriteLine($"answered in {wall.TotalMilliseconds:0} ms wall, {cpu.TotalMilliseconds:0} ms CPU");
        return (reply, wall, cpu);
    }
}
