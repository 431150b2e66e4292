using System.CommandLine;
using System.CommandLine.Parsing;

namespace IpsApi.Server.Cli;

/// <summary>
/// A command's own check of an option's or argument's value, run while parsing: a value that can never be
/// right is a bad argument (exit 2, one line naming the option) before any store is opened. The action
/// runs the same check to get the normalized value.
/// </summary>
internal static class OptionCheck
{
    public static Option<T> Checked<T>(this Option<T> option, Action<T> check)
    {
        option.Validators.Add(result => Run(check, result.GetValueOrDefault<T>, result));
        return option;
    }

    public static Argument<T> Checked<T>(this Argument<T> argument, Action<T> check)
    {
        argument.Validators.Add(result => Run(check, result.GetValueOrDefault<T>, result));
        return argument;
    }

    private static void Run<T>(Action<T> check, Func<T> value, SymbolResult result)
    {
        try
        {
            check(value());
        }
        catch (CliException e)
        {
            result.AddError(e.Message);
        }
        catch (Core.InvalidSettingException e)
        {
            result.AddError(CliException.ForSetting(e).Message);
        }
    }
}
