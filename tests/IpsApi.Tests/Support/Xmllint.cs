using System.Diagnostics;

namespace IpsApi.Tests.Support;

/// <summary>libxml2's xmllint (Debian libxml2-utils), an independent schema checker; scripts/test.sh installs it.</summary>
public static class Xmllint
{
    public static string SchemaPath(string file) => Path.Combine(AppContext.BaseDirectory, "schemas", file);

    /// <summary>Runs xmllint with the arguments; returns its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("xmllint") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("xmllint did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Validates an XML fragment (one element) against one of the shipped XSDs.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string xml, string schemaFile)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ipsapi-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, xml);
        try
        {
            return await RunAsync("--noout", "--schema", SchemaPath(schemaFile), file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
