using System.Diagnostics;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>
/// Python's zeep (Debian python3-zeep, installed by scripts/test.sh) builds its client from the served
/// WSDL and XSDs alone, as SoapUI and other WSDL-driven tools do, and calls both operations.
/// </summary>
public sealed class WsdlDrivenClientTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Zeep_LoadsTheWsdlAndCallsBothOperations()
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Clients", "zeep_client.py"),
            new Uri(fixture.Server.BaseAddress, "/scene7/webservice/IpsApi-2012-02-14.wsdl").ToString(),
            fixture.Admin.Email,
            fixture.Admin.Password,
            fixture.CompanyA.Handle,
            PostgresServerFixture.Url(fixture.CompanyA, "zeep-1?$thumb$"),
            PostgresServerFixture.Url(fixture.CompanyA, "zeep-2"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(process.ExitCode == 0, await error);
        Assert.Matches(@"^handle=i\|\d+\|\d+\|[A-Za-z0-9_-]{22} estimatedSeconds=1$", lines[0]);
        Assert.Equal("status=Received successCount=0 errorCount=0", lines[1]);
        Assert.Equal("fault=30001", lines[2]);
    }
}
