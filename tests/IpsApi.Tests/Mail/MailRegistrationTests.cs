using IpsApi.Core.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpsApi.Tests.Mail;

/// <summary><see cref="MailServiceCollectionExtensions.AddIpsMail"/>: the <c>Smtp</c> section, its defaults and its start checks.</summary>
public sealed class MailRegistrationTests
{
    [Fact]
    public void Smtp_Unset_MailIsOff_AndNothingIsChecked()
    {
        using var services = Services(new() { ["Smtp:Port"] = "0" });

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.False(services.GetRequiredService<ConfirmationMailSender>().IsConfigured);
    }

    [Theory]
    [InlineData(null, "StartTls", 587)] // an empty value as well as a missing one
    [InlineData("None", "None", 25)]
    [InlineData("SslOnConnect", "SslOnConnect", 465)]
    public void Smtp_Port_FollowsSecurity_UnlessSet(string? security, string expectedSecurity, int expectedPort)
    {
        using var services = Services(new() { ["Smtp:Host"] = "smtp.example.com", ["Smtp:From"] = "IpsApi <ips@example.com>", ["Smtp:Security"] = security });

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;

        Assert.Equal((expectedSecurity, expectedPort, TimeSpan.FromSeconds(30)), (options.Security.ToString(), options.EffectivePort, options.Timeout));
        Assert.True(services.GetRequiredService<ConfirmationMailSender>().IsConfigured);
    }

    [Theory]
    [InlineData("Smtp:UserName", "ips", "Smtp:Password is required when Smtp:UserName is set.")]
    [InlineData("Smtp:Password", "Pa55-word-7f3e", "Smtp:UserName is required when Smtp:Password is set.")]
    [InlineData("Smtp:Host", "https://smtp.example.com", "Smtp:Host must be a host name or address such as smtp.example.com, without a scheme or port.")]
    [InlineData("Smtp:Timeout", "00:00:00", "Smtp:Timeout must be from 00:00:01 to 00:10:00.")]
    [InlineData("Smtp:From", "ips@example.com, ops@example.com", "Smtp:From must be an email address, optionally with a display name such as IpsApi <ips@example.com>, not 'ips@example.com, ops@example.com'.")]
    public void Smtp_WrongSetting_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Smtp:Host"] = "smtp.example.com", ["Smtp:From"] = "ips@example.com", [key] = value };
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal([message], error.Failures);
        Assert.DoesNotContain("Pa55-word-7f3e", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void Smtp_UserNameWithoutTls_IsAcceptedOnlyForARelayOnThisHost(string host)
    {
        using var services = Services(new()
        {
            ["Smtp:Host"] = host, ["Smtp:From"] = "ips@example.com", ["Smtp:Security"] = "None", ["Smtp:UserName"] = "ips", ["Smtp:Password"] = "Pa55-word-7f3e",
        });

        services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddIpsMail();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
