using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Akamai;
using IpsApi.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Purge;

/// <summary><see cref="AkamaiServiceCollectionExtensions.AddAkamaiPurgeProvider"/>: configuration, start-time validation, and what reaches the logs.</summary>
public sealed class AkamaiRegistrationTests
{
    [Theory]
    [InlineData("ClientToken")]
    [InlineData("ClientSecret")]
    [InlineData("AccessToken")]
    public void Akamai_HostWithoutACredential_FailsAtStartNamingTheKey(string missing)
    {
        var settings = Complete();
        settings.Remove($"Purge:Akamai:{missing}");
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"Purge:Akamai:{missing} is required when Purge:Akamai:Host is set.", error.Failures);
    }

    [Theory]
    [InlineData("Network", "prod", "Purge:Akamai:Network must be production or staging.")]
    [InlineData("Action", "remove", "Purge:Akamai:Action must be invalidate or delete.")]
    [InlineData("Host", "https://akab-x.purge.akamaiapis.net/", "Purge:Akamai:Host must be a host name such as akab-xxxx.purge.akamaiapis.net, without a scheme or path.")]
    [InlineData("MaxBodyBytes", "60000", "Purge:Akamai:MaxBodyBytes must be from 100 to 50000.")]
    public void Akamai_WrongSetting_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = Complete();
        settings[$"Purge:Akamai:{key}"] = value;
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, error.Failures);
    }

    [Theory]
    [InlineData("Requests:Capacity", "0.5", "Purge:Akamai:Budget:Requests:Capacity must be 0 (off) or from 1 to 1000000000.")]
    [InlineData("Urls:Capacity", "-1", "Purge:Akamai:Budget:Urls:Capacity must be 0 (off) or from 1 to 1000000000.")]
    [InlineData("Urls:Capacity", "1000000001", "Purge:Akamai:Budget:Urls:Capacity must be 0 (off) or from 1 to 1000000000.")]
    [InlineData("Requests:PerSecond", "0.0009", "Purge:Akamai:Budget:Requests:PerSecond must be from 0.001 to 1000000000 when Purge:Akamai:Budget:Requests:Capacity is set.")]
    [InlineData("MaxWait", "00:01:00.001", "Purge:Akamai:Budget:MaxWait must be from 00:00:00 to 00:01:00.")]
    public void Akamai_BudgetOutOfRange_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = Complete();
        settings[$"Purge:Akamai:Budget:{key}"] = value;
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, error.Failures);
    }

    [Theory]
    [InlineData("Requests:Capacity", "1")]
    [InlineData("Urls:Capacity", "1000000000")]
    [InlineData("Urls:Capacity", "0")]
    [InlineData("Requests:PerSecond", "0.001")]
    [InlineData("MaxWait", "00:01:00")]
    [InlineData("MaxWait", "00:00:00")]
    public void Akamai_BudgetAtTheEdge_Starts(string key, string value)
    {
        var settings = Complete();
        settings[$"Purge:Akamai:Budget:{key}"] = value;
        using var services = Services(settings);

        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Akamai_Budget_DefaultsToAkamaisDocumentedBuckets_AndAKeyChangesOnlyItself()
    {
        var settings = Complete();
        settings["Purge:Akamai:Budget:Requests:PerSecond"] = "40";
        using var services = Services(settings);

        var budget = services.GetRequiredService<IOptions<AkamaiOptions>>().Value.Budget;

        Assert.Equal((100d, 40d), (budget.Requests!.Capacity, budget.Requests.PerSecond));
        Assert.Equal((10_000d, 200d), (budget.Urls!.Capacity, budget.Urls.PerSecond));
        Assert.Equal(TimeSpan.FromSeconds(5), budget.MaxWait);
    }

    [Fact]
    public void Akamai_NotConfigured_StartsAndBindsTheDefaults()
    {
        using var services = Services([]);

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<AkamaiOptions>>().Value;

        Assert.False(options.IsConfigured);
        Assert.Equal(("production", "invalidate", 50_000), (options.Network, options.Action, options.MaxBodyBytes));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), (options.Timeout, options.DefaultThrottleDelay));
    }

    [Fact]
    public async Task Akamai_NotConfigured_RefusesEveryUrlWithoutCallingAnyone()
    {
        using var services = Services([]);
        var provider = services.GetRequiredService<IPurgeProvider>();

        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Equal(PurgeOutcomeKind.Permanent, outcome.Kind);
        Assert.All(outcome.Failures, failure => Assert.Contains("Purge:Akamai:Host is empty", failure.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Akamai_Options_ToStringHidesTheCredentials()
    {
        var options = new AkamaiOptions { Host = "akab-x.purge.akamaiapis.net", ClientToken = "akab-ct-123", AccessToken = "akab-at-456", ClientSecret = "c2VjcmV0LXZhbHVl" };

        var text = options.ToString();

        Assert.Contains("akab-x.purge.akamaiapis.net", text, StringComparison.Ordinal);
        Assert.DoesNotContain("akab-ct-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("akab-at-456", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LXZhbHVl", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akamai_Registered_PurgesThroughTheTypedClientAndKeepsTheEstimateAcrossInstances()
    {
        await using var fake = await AkamaiFake.StartAsync();
        fake.EstimatedSeconds = 9;
        var capture = new LogCapture();
        // No store here: the budget shared through it is tested in RateBudgetTests.
        using var services = Services(new Dictionary<string, string?>(Complete(fake))
        {
            ["Purge:Akamai:Budget:Requests:Capacity"] = "0",
            ["Purge:Akamai:Budget:Urls:Capacity"] = "0",
        }, capture);
        services.GetRequiredService<IStartupValidator>().Validate();

        var provider = Assert.Single(services.GetServices<IPurgeProvider>());
        var outcome = await provider.PurgeAsync(AnonymousUrls.Create(2), CancellationToken.None);

        Assert.Equal(("akamai", PurgeOutcomeKind.Succeeded), (provider.Name, outcome.Kind));
        Assert.Single(fake.Purges);
        Assert.Equal(9, services.GetRequiredService<IPurgeProvider>().EstimatedSeconds);
        // The HttpClient factory's own request logging ran (Trace) and still shows no credentials.
        Assert.Contains(capture.Entries, e => e.Contains("System.Net.Http.HttpClient.AkamaiPurgeProvider", StringComparison.Ordinal));
        AkamaiPurgeProviderTests.AssertNoSecrets(capture.Text, fake.Credentials);
    }

    private static Dictionary<string, string?> Complete(AkamaiFake? fake = null) => new()
    {
        ["Purge:Akamai:Host"] = "akab-test.purge.akamaiapis.net",
        ["Purge:Akamai:BaseUri"] = fake?.BaseUri.ToString(),
        ["Purge:Akamai:ClientToken"] = fake?.Credentials.ClientToken ?? "akab-client",
        ["Purge:Akamai:ClientSecret"] = fake?.Credentials.ClientSecret ?? "c2VjcmV0",
        ["Purge:Akamai:AccessToken"] = fake?.Credentials.AccessToken ?? "akab-access",
    };

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
        services.AddAkamaiPurgeProvider();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
