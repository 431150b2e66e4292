using IpsApi.Core;

namespace IpsApi.Server.Cli;

/// <summary>A command's failure that the user can fix, reported as one line.</summary>
internal sealed class CliException(string message) : Exception(message)
{
    /// <summary>A setting the core's rules refused, named as its option (<c>--root '..' may hold only …</c>).</summary>
    public static CliException ForSetting(InvalidSettingException refused) => new($"--{refused.Setting} {refused.Problem}");
}
