using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Akamai;

/// <summary>Checks <see cref="AkamaiOptions"/> at start; every message names the key to fix.</summary>
internal sealed class AkamaiOptionsValidator : IValidateOptions<AkamaiOptions>
{
    public static readonly string[] Networks = ["production", "staging"];

    public static readonly string[] Actions = ["invalidate", "delete"];

    private const string Prefix = AkamaiOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, AkamaiOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        if (Uri.CheckHostName(options.Host!.Trim()) is UriHostNameType.Unknown)
        {
            errors.Add($"{Prefix}Host must be a host name such as akab-xxxx.purge.akamaiapis.net, without a scheme or path.");
        }

        Require(errors, options.ClientToken, nameof(AkamaiOptions.ClientToken));
        Require(errors, options.ClientSecret, nameof(AkamaiOptions.ClientSecret));
        Require(errors, options.AccessToken, nameof(AkamaiOptions.AccessToken));
        if (!Networks.Contains(options.Network, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{Prefix}Network must be production or staging.");
        }

        if (!Actions.Contains(options.Action, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{Prefix}Action must be invalidate or delete.");
        }

        if (options.BaseUri is { } baseUri && (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{Prefix}BaseUri must be an absolute http or https URI.");
        }

        if (options.MaxBodyBytes is < 100 or > AkamaiOptions.AkamaiMaxBodyBytes)
        {
            errors.Add($"{Prefix}MaxBodyBytes must be from 100 to {AkamaiOptions.AkamaiMaxBodyBytes}.");
        }

        if (options.MaxSignedBodyBytes < 1)
        {
            errors.Add($"{Prefix}MaxSignedBodyBytes must be positive.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Prefix}Timeout must be more than zero and at most 00:05:00.");
        }

        if (options.DefaultThrottleDelay <= TimeSpan.Zero || options.DefaultThrottleDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Prefix}DefaultThrottleDelay must be more than zero and at most 00:10:00.");
        }

        errors.AddRange(options.Budget.Errors(Prefix + nameof(AkamaiOptions.Budget)));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{Prefix}{key} is required when {Prefix}Host is set.");
        }
    }
}
