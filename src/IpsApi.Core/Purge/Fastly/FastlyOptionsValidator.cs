using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Fastly;

/// <summary>Checks <see cref="FastlyOptions"/> at start; every message names the key to fix.</summary>
internal sealed class FastlyOptionsValidator : IValidateOptions<FastlyOptions>
{
    private const string Prefix = FastlyOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, FastlyOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        if (options.BaseUri is not { IsAbsoluteUri: true } baseUri || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{Prefix}BaseUri must be an absolute http or https URI.");
        }

        if (options.ServiceId is { } serviceId && (serviceId.Length is 0 or > 100 || !serviceId.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add($"{Prefix}ServiceId must be a Fastly service ID: 1 to 100 ASCII letters and digits.");
        }

        if (options.Concurrency is < 1 or > 256)
        {
            errors.Add($"{Prefix}Concurrency must be from 1 to 256.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Prefix}Timeout must be more than zero and at most 00:05:00.");
        }

        errors.AddRange(options.Budget.Errors(Prefix + nameof(FastlyOptions.Budget)));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
