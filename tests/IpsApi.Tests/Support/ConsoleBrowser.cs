using Microsoft.Playwright;

namespace IpsApi.Tests.Support;

/// <summary>
/// Headless Chromium from Debian (<c>/usr/bin/chromium</c>, installed by scripts/test.sh) driven through
/// Playwright: nothing is downloaded at run time. One browser per fixture; each test opens a context of its own
/// (its own cookies), so tests do not share a session.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Where screenshots go: <c>IPSAPI_TEST_ARTIFACTS</c>, or <c>artifacts/</c> beside the test assembly.</summary>
    public const string ArtifactsVariable = "IPSAPI_TEST_ARTIFACTS";

    private readonly IPlaywright playwright;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } directory
            ? directory
            : Path.Combine(AppContext.BaseDirectory, "artifacts");

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run the tests with ./scripts/test.sh, which installs Debian's chromium.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
            return new ConsoleBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context on <paramref name="baseAddress"/>, in a time zone far from UTC so that local times show.</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseAddress, string timeZone = "Asia/Tokyo") =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            TimezoneId = timeZone,
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"console-{name}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
