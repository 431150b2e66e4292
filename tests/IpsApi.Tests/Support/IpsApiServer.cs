using System.Diagnostics;
using System.Text;

namespace IpsApi.Tests.Support;

/// <summary>
/// A long-running <c>ipsapi serve</c> or <c>ipsapi worker</c> process, with its output kept for
/// assertions, that can be stopped as an operator would (SIGTERM) or killed outright (SIGKILL).
/// </summary>
public sealed class IpsApiServer : IAsyncDisposable
{
    private readonly IpsApiProcess cli;
    private readonly Process process;
    private readonly StringBuilder output = new();

    private IpsApiServer(IpsApiProcess cli, Process process)
    {
        this.cli = cli;
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>The id of the process <c>dotnet ipsapi.dll</c> runs in, for reading its memory from /proc.</summary>
    public int ProcessId => process.Id;

    public int ExitCode => process.ExitCode;

    /// <summary>Starts <c>ipsapi {arguments}</c> on PostgreSQL and waits until its workers run.</summary>
    public static async Task<IpsApiServer> StartAsync(string connectionString, IDictionary<string, string?> configuration, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__IpsApi"] = connectionString,
        };
        foreach (var (key, value) in configuration)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var cli = new IpsApiProcess(environment);
        var server = new IpsApiServer(cli, cli.Start(arguments));
        try
        {
            await server.WaitForOutputAsync("Purge workers:", TimeSpan.FromSeconds(30));
        }
        catch
        {
            // The caller never gets the server to dispose: stop it here rather than leave it running.
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"'{text}' not seen{(process.HasExited ? $" (exited with {process.ExitCode})" : "")}; output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, as systemd or docker stop sends; returns the exit code, failing if the process outlives <paramref name="timeout"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(wait.Token);
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to release anything.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
        cli.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
