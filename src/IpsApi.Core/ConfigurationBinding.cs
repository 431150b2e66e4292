using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IpsApi.Core;

/// <summary>
/// Settings read through the configuration binder, whose failures (a value that is not a number, a
/// duration or one of an enum's names) become a <see cref="ConfigurationException"/> naming the key
/// and what it must be, instead of an exception with a stack trace. The value is repeated only
/// where it cannot be a secret: the binder fails only on numbers, durations, flags and enum names.
/// </summary>
public static partial class ConfigurationBinding
{
    /// <summary><c>BindConfiguration</c>, with binding failures reported as <see cref="ConfigurationException"/>.</summary>
    public static OptionsBuilder<T> BindSettings<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configure<IConfiguration>((options, configuration) => Bind(configuration, section, options));
        return builder;
    }

    /// <summary>One value, or <paramref name="defaultValue"/> when unset.</summary>
    public static T Value<T>(IConfiguration configuration, string key, T defaultValue)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetValue(key, defaultValue)!;
        }
        catch (InvalidOperationException e)
        {
            throw Explain(configuration, e);
        }
    }

    private static void Bind(IConfiguration configuration, string section, object options)
    {
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw Explain(configuration, e);
        }
    }

    /// <summary>The binder's "Failed to convert configuration value … at 'key' to type 'T'." as a line a user can act on.</summary>
    private static Exception Explain(IConfiguration configuration, InvalidOperationException failure)
    {
        var match = FailedBinding().Match(failure.Message);
        if (!match.Success)
        {
            return failure;
        }

        var key = match.Groups["key"].Value;
        var typeName = match.Groups["type"].Value;
        var expected = typeName switch
        {
            "System.Byte" or "System.Int16" or "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Single" or "System.Double" or "System.Decimal" => "a number",
            "System.TimeSpan" => "a duration such as 00:00:30 (hh:mm:ss)",
            "System.Boolean" => "true or false",
            "System.Uri" => "a URL",
            _ when EnumNamed(typeName) is { } names => $"one of {string.Join(", ", names)}",
            _ => $"a {typeName}",
        };
        var value = typeName == "System.Uri" ? "" : $", not '{configuration[key]}'";
        return new ConfigurationException($"{key} must be {expected}{value}.");
    }

    private static string[]? EnumNamed(string typeName) =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Select(assembly => assembly.GetType(typeName, throwOnError: false))
            .FirstOrDefault(type => type is { IsEnum: true }) is { } enumType
            ? Enum.GetNames(enumType)
            : null;

    [GeneratedRegex(@" at '(?<key>[^']+)' to type '(?<type>[^']+)'\.?$")]
    private static partial Regex FailedBinding();
}
