using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Varnish;

/// <summary>
/// Checks <see cref="VarnishOptions"/> at start; every message names the key to fix. A node's
/// address is not repeated: it may carry credentials.
/// </summary>
internal sealed class VarnishOptionsValidator : IValidateOptions<VarnishOptions>
{
    private const string Prefix = VarnishOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, VarnishOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Nodes.Count; i++)
        {
            if (options.Nodes[i] is not { IsAbsoluteUri: true } node || (node.Scheme != Uri.UriSchemeHttp && node.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{Prefix}Nodes:{i} must be an absolute http or https URL such as http://127.0.0.1:6081.");
            }
        }

        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"{Prefix}Mode must be one of {string.Join(", ", Enum.GetNames<VarnishPurgeMode>())}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
