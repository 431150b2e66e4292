using IpsApi.Core.Companies;

namespace IpsApi.Tests.Support;

/// <summary>
/// What every client program in Clients/ prints after calling both operations and provoking two faults:
/// <code>
/// accepted handle=… estimatedSeconds=…
/// polled status=… successCount=… errorCount=…
/// foreign type=… [faultcode=…] element=… code=… reason=…       a URL outside the company root
/// wrongPassword type=… [faultcode=…] element=… code=… reason=…
/// </code>
/// <c>type</c> is the client's own fault class; <c>element</c>, <c>code</c> and <c>reason</c> are read by it from the fault detail.
/// </summary>
public static class LegacyClientAssert
{
    /// <summary>A URL on the company's publish host whose path is under another root.</summary>
    public static string OutsideRoot(Company company) => $"https://{company.PublishHosts[0]}/is/image/Elsewhere{Guid.NewGuid():N}/x";

    public static void CalledBothOperationsAndReadFaults(ClientProgram run, string foreignUrl, string foreignFaultType, string wrongPasswordFaultType) =>
        run.Satisfies(r =>
        {
            Assert.Equal(0, r.ExitCode);

            var accepted = r.Step("accepted");
            Assert.Matches(@"^i\|\d+\|\d+\|[A-Za-z0-9_-]{22}$", accepted["handle"]);
            Assert.Equal("1", accepted["estimatedSeconds"]);

            // The fixture's node runs no purge workers, so the request stays where accepting put it.
            var polled = r.Step("polled");
            Assert.Equal(("Received", "0", "0"), (polled["status"], polled["successCount"], polled["errorCount"]));

            var foreign = r.Step("foreign");
            AssertFault(foreign, foreignFaultType, "ipsApiFault", "30001");
            Assert.StartsWith("Some URLs are not defined correctly.", foreign["reason"], StringComparison.Ordinal);
            Assert.Contains($"URL 1 '{foreignUrl}'", foreign["reason"], StringComparison.Ordinal);

            var wrongPassword = r.Step("wrongPassword");
            AssertFault(wrongPassword, wrongPasswordFaultType, "authenticationFault", "10001");
            Assert.StartsWith("Invalid credentials", wrongPassword["reason"], StringComparison.Ordinal);
        });

    private static void AssertFault(IReadOnlyDictionary<string, string> fault, string type, string element, string code)
    {
        Assert.Equal((type, element, code), (fault["type"], fault["element"], fault["code"]));
        if (fault.TryGetValue("faultcode", out var faultCode))
        {
            Assert.EndsWith(":Client", faultCode, StringComparison.Ordinal);
        }
    }
}
