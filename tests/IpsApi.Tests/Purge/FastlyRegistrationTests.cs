using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Fastly;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Purge;

/// <summary><see cref="FastlyServiceCollectionExtensions.AddFastlyPurgeProvider"/>: configuration, start-time validation, and what reaches the logs.</summary>
public sealed class FastlyRegistrationTests
{
    [Theory]
    [InlineData("Concurrency", "0", "Purge:Fastly:Concurrency must be from 1 to 256.")]
    [InlineData("Timeout", "00:00:00", "Purge:Fastly:Timeout must be more than zero and at most 00:05:00.")]
    public void Fastly_WrongSetting_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        using var services = Services(new() { ["Purge:Fastly:ApiToken"] = "tok", [$"Purge:Fastly:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, error.Failures);
    }

    [Fact]
    public void Fastly_NotConfigured_StartsWithTheDefaults()
    {
        using var services = Services([]);

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<FastlyOptions>>().Value;

        Assert.False(options.IsConfigured);
        Assert.Equal((new Uri("https://api.fastly.com"), false, 16, TimeSpan.FromSeconds(10)), (options.BaseUri, options.SoftPurge, options.Concurrency, options.Timeout));
    }

    [Fact]
    public async Task Fastly_Registered_PurgesThroughTheTypedClientWithoutLoggingTheKey()
    {
        await using var fake = await FastlyFake.StartAsync();
        var capture = new LogCapture();
        using var services = Services(
            new() { ["Purge:Fastly:ApiToken"] = fake.ApiKey, ["Purge:Fastly:BaseUri"] = fake.BaseUri.ToString(), ["Purge:Fastly:SoftPurge"] = "true" },
            capture);
        services.GetRequiredService<IStartupValidator>().Validate();

        var provider = Assert.Single(services.GetServices<IPurgeProvider>());
        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Equal(("fastly", PurgeOutcomeKind.Succeeded), (provider.Name, outcome.Kind));
        Assert.All(fake.Purges, purge => Assert.True(purge.Soft));
        Assert.Contains(capture.Entries, e => e.Contains("System.Net.Http.HttpClient.FastlyPurgeProvider", StringComparison.Ordinal));
        Assert.DoesNotContain(fake.ApiKey, capture.Text, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, LogCapture? capture = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (capture is not null)
            {
                logging.AddProvider(capture);
            }
        });
        services.AddFastlyPurgeProvider();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
