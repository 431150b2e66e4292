using System.ComponentModel;
using System.Diagnostics;
using Xunit.Sdk;

namespace IpsApi.Tests.Support;

/// <summary>
/// One run of a client program from another toolkit (php, perl, python, java…): what it printed and how it ended.
/// A program that cannot be started, hangs or fails is a test failure showing its output, never a skip.
/// </summary>
public sealed record ClientProgram(string CommandLine, int ExitCode, string Output, string Error)
{
    /// <summary>Generous: a JVM compiling a generated client on a busy CI machine takes tens of seconds.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The lines printed on stdout, without empty ones.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The one line starting with <paramref name="step"/> as <c>step key=value … reason=free text</c>: its values by key
    /// (<c>reason</c>, if present, is last and takes the rest of the line). Fails unless exactly one such line was printed.
    /// </summary>
    public IReadOnlyDictionary<string, string> Step(string step)
    {
        var line = Assert.Single(Lines, l => l.StartsWith(step + " ", StringComparison.Ordinal));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = line[(step.Length + 1)..];
        while (rest.Length > 0)
        {
            var equals = rest.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"not key=value: '{rest}'");
            var key = rest[..equals];
            var space = key == "reason" ? -1 : rest.IndexOf(' ', equals);
            values.Add(key, space < 0 ? rest[(equals + 1)..] : rest[(equals + 1)..space]);
            rest = space < 0 ? "" : rest[(space + 1)..];
        }

        return values;
    }

    /// <summary>
    /// Runs <paramref name="program"/> to its end; if it has not ended after <see cref="Timeout"/>, kills it and fails. <paramref name="package"/>
    /// names what provides the program (scripts/test.sh installs it), for the message when it is missing.
    /// </summary>
    public static async Task<ClientProgram> RunAsync(
        string program,
        string package,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var commandLine = string.Join(' ', start.ArgumentList.Prepend(program).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new XunitException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new XunitException($"{program} cannot be started ({e.Message}); it comes with the Debian package {package}, which scripts/test.sh installs.");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                var killed = new ClientProgram(commandLine, process.ExitCode, await output, await error);
                throw new XunitException($"{program} did not end within {Timeout.TotalSeconds} s; killed.\n{killed.Describe()}");
            }

            return new ClientProgram(commandLine, process.ExitCode, await output, await error);
        }
    }

    /// <summary>Runs the assertions; a failing one is reported with the program's command line and output.</summary>
    public void Satisfies(Action<ClientProgram> assertions)
    {
        try
        {
            assertions(this);
        }
        catch (Exception e) when (e is XunitException or KeyNotFoundException)
        {
            throw new XunitException($"{e.Message}\n{Describe()}");
        }
    }

    public string Describe() => $"$ {CommandLine}\n(exit code {ExitCode})\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
