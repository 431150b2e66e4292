using System.Text;
using IpsApi.Server.Soap;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Unit;

/// <summary><see cref="SoapRequestReader"/> on its own: the depth limit it is configured with, and an aborted request.</summary>
public sealed class SoapRequestReaderTests
{
    private static readonly RequestSchemas Schemas = new();

    [Theory]
    [InlineData(8, 8, false)]
    [InlineData(8, 9, true)]
    [InlineData(64, 64, false)]
    [InlineData(64, 65, true)]
    public void ConfiguredDepth_IsTheDeepestLevelRead(int maxDepth, int deepestLevel, bool refused)
    {
        // Envelope and Header are levels 1 and 2; the header element and what it holds span the rest.
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions { MaxElementDepth = maxDepth }));
        var envelope = Envelopes.Status(Envelopes.AuthHeader("u", "p") + Header(deepestLevel - 2), "h");

        var read = () => reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), CancellationToken.None);

        if (refused)
        {
            var error = Assert.Throws<SoapReadException>(read);
            Assert.StartsWith($"Elements are nested more than {maxDepth} levels deep", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(read().Problems);
        }
    }

    [Fact]
    public void AbortedRequest_StopsReading()
    {
        var reader = new SoapRequestReader(Schemas, Options.Create(new SoapEndpointOptions()));
        var envelope = Envelopes.Status(Envelopes.AuthHeader("u", "p"), "h");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(envelope)), new CancellationToken(canceled: true)));
    }

    /// <summary>A header element holding elements nested so that it and they span <paramref name="levels"/> levels.</summary>
    private static string Header(int levels) =>
        "<x:deep xmlns:x=\"urn:x\">" + string.Concat(Enumerable.Repeat("<a>", levels - 1)) + string.Concat(Enumerable.Repeat("</a>", levels - 1)) + "</x:deep>";
}
