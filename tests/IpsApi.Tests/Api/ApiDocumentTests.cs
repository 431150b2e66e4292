using System.Diagnostics;
using System.Net;
using System.Text.Json;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Api;

/// <summary>The served OpenAPI document passes a real OpenAPI linter, and the reference page loads nothing from elsewhere.</summary>
public sealed class ApiDocumentTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task OpenApiDocument_PassesRedoclyLintWithTheRecommendedRules()
    {
        var redocly = Environment.GetEnvironmentVariable("IPSAPI_TEST_REDOCLY");
        Assert.False(string.IsNullOrEmpty(redocly), "IPSAPI_TEST_REDOCLY is not set: run the tests with scripts/test.sh, which installs @redocly/cli");
        var document = await fixture.Server.Http.GetStringAsync("/api/v1/openapi.json");
        var directory = Directory.CreateTempSubdirectory("ipsapi-openapi-");
        try
        {
            var path = Path.Combine(directory.FullName, "openapi.json");
            await File.WriteAllTextAsync(path, document);

            var (exitCode, output) = await RunAsync(redocly!, directory.FullName, "lint", path, "--extends", "recommended", "--format", "stylish");

            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("error", output.Replace("0 errors", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        using var json = JsonDocument.Parse(document);
        var root = json.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(fixture.Server.BaseAddress.ToString().TrimEnd('/'), root.GetProperty("servers")[0].GetProperty("url").GetString());
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("http", "basic"), (schemes.GetProperty("basic").GetProperty("type").GetString(), schemes.GetProperty("basic").GetProperty("scheme").GetString()));
        Assert.Equal(("http", "bearer"), (schemes.GetProperty("bearer").GetProperty("type").GetString(), schemes.GetProperty("bearer").GetProperty("scheme").GetString()));
        Assert.Equal(
            ["/api/v1/companies/{handle}/invalidations", "/api/v1/companies/{handle}/template", "/api/v1/invalidations/{handle}", "/api/v1/invalidations/{handle}/retry"],
            root.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var create = root.GetProperty("paths").GetProperty("/api/v1/companies/{handle}/invalidations").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples").TryGetProperty("urls", out _));
    }

    [Fact]
    public async Task ReferencePage_IsServedWithItsOwnScripts_AndAPolicyThatForbidsOtherOrigins()
    {
        using var page = await fixture.Server.Http.GetAsync("/api/v1/docs/");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await fixture.Server.Http.GetAsync("/api/v1/docs/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'self';", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
