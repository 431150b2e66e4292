namespace IpsApi.Bench;

/// <summary>A bad command line, reported as one line followed by a hint to use --help.</summary>
internal sealed class UsageException(string message) : Exception(message);
