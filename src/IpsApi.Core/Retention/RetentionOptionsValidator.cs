using Microsoft.Extensions.Options;

namespace IpsApi.Core.Retention;

/// <summary>The rule between the two ages: an audit record outlives the request it is about.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.AuditDays < options.Days
            ? ValidateOptionsResult.Fail($"Retention:AuditDays ({options.AuditDays}) must be at least Retention:Days ({options.Days}): the audit record outlives its request.")
            : ValidateOptionsResult.Success;
}
