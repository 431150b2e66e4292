namespace IpsApi.Server.Cli;

/// <summary>A command's failure that the user can fix, reported as one line.</summary>
internal sealed class CliException(string message) : Exception(message);
