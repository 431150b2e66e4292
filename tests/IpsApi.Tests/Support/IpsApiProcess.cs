using System.Diagnostics;

namespace IpsApi.Tests.Support;

/// <summary>Runs the built <c>ipsapi</c> executable as a user would, in a working directory of its own.</summary>
public sealed class IpsApiProcess : IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "ipsapi.dll");

    public IpsApiProcess(IDictionary<string, string?>? environment = null)
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("ipsapi-cli-").FullName;
        Environment = environment ?? new Dictionary<string, string?>();
    }

    public string WorkingDirectory { get; }

    public IDictionary<string, string?> Environment { get; }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<(int ExitCode, string Out, string Err)> RunAsync(string? stdin, params string[] arguments)
    {
        using var process = Start(arguments);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts a long-running command (serve); the caller disposes the process, which kills it.</summary>
    public Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("ipsapi did not start");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
