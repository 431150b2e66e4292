using System.CommandLine;
using System.Globalization;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>--workers N</c> of <c>serve</c> and <c>worker</c>: a bad value is a parse error (exit 2, one
/// line naming the option), never an exception when a validator reads the value.
/// </summary>
internal static class WorkersOption
{
    public const int Max = 256;

    public static Option<int?> Create(string description) => new("--workers")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= Max)
            {
                return count;
            }

            result.AddError($"--workers must be a whole number from 1 to {Max}, not '{text}'.");
            return null;
        },
    };
}
