namespace IpsApi.Core;

/// <summary>
/// A setting of a company or user that the rules refuse. <see cref="Setting"/> is its name as the command line spells it
/// (<c>root</c>, <c>publish-host</c>, …; also the field of a form); <see cref="Problem"/> follows that name in a
/// sentence ("must be 1 to 200 characters").
/// </summary>
public sealed class InvalidSettingException(string setting, string problem) : Exception($"{setting} {problem}")
{
    public string Setting { get; } = setting;

    public string Problem { get; } = problem;
}
