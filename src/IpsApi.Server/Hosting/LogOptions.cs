using System.ComponentModel.DataAnnotations;
using IpsApi.Core;

namespace IpsApi.Server.Hosting;

/// <summary>Configuration section <c>Log</c>, which <see cref="LoggingSetup"/> reads; checked at start like every other section.</summary>
public sealed class LogOptions : IValidatableObject
{
    public const string Section = "Log";

    public static readonly string[] Formats = ["text", "json"];

    /// <summary><c>text</c> (a readable console) or <c>json</c> (one JSON object a line).</summary>
    public string Format { get; set; } = "text";

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddOptions<LogOptions>().BindSettings(Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Formats.Contains(Format, StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"{Section}:Format must be text or json, not '{Format}'.", [nameof(Format)]);
        }
    }
}
