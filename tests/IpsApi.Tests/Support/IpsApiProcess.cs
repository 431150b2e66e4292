using System.Diagnostics;

namespace IpsApi.Tests.Support;

/// <summary>
/// Runs the built <c>ipsapi</c> executable as a user would, in a working directory of its own and
/// with a home of its own (<c>HOME</c> set, <c>XDG_DATA_HOME</c> and the store settings cleared
/// unless given), so the embedded default store is never the real user's.
/// </summary>
public sealed class IpsApiProcess : IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "ipsapi.dll");

    private readonly string root;

    public IpsApiProcess(IDictionary<string, string?>? environment = null)
    {
        root = Directory.CreateTempSubdirectory("ipsapi-cli-").FullName;
        WorkingDirectory = CreateDirectory("work");
        Home = CreateDirectory("home");
        Environment = new Dictionary<string, string?>
        {
            ["HOME"] = Home,
            ["XDG_DATA_HOME"] = null,
            ["Database__Provider"] = null,
            ["ConnectionStrings__IpsApi"] = null,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            Environment[key] = value;
        }
    }

    public string WorkingDirectory { get; }

    /// <summary>The processes' <c>HOME</c> (unless the environment given says otherwise).</summary>
    public string Home { get; }

    /// <summary>Variables set for the processes; a null value removes the variable.</summary>
    public IDictionary<string, string?> Environment { get; }

    /// <summary>The embedded store's default file under <see cref="Home"/>, with <c>XDG_DATA_HOME</c> unset.</summary>
    public string DefaultStore => Path.Combine(Home, ".local", "share", "ipsapi", "ipsapi.db");

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A new empty directory beside the working directory, removed with it.</summary>
    public string CreateDirectory(string name) => Directory.CreateDirectory(Path.Combine(root, name)).FullName;

    public Task<(int ExitCode, string Out, string Err)> RunAsync(string? stdin, params string[] arguments) =>
        RunInAsync(WorkingDirectory, stdin, arguments);

    public Task<(int ExitCode, string Out, string Err)> RunInAsync(string workingDirectory, string? stdin, params string[] arguments) =>
        CompleteAsync(Start(workingDirectory, "dotnet", [Executable, .. arguments]), stdin);

    /// <summary>A command line as a user types it, run by bash with this environment.</summary>
    public Task<(int ExitCode, string Out, string Err)> RunShellAsync(string workingDirectory, string commandLine) =>
        CompleteAsync(Start(workingDirectory, "bash", ["-c", commandLine]), null);

    /// <summary>Starts a long-running command (serve); the caller disposes the process, which kills it.</summary>
    public Process Start(params string[] arguments) => Start(WorkingDirectory, "dotnet", [Executable, .. arguments]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(int ExitCode, string Out, string Err)> CompleteAsync(Process started, string? stdin)
    {
        using var process = started;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that should have ended (a server started by mistake) must not outlive its test.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not end within 60 s");
        }

        return (process.ExitCode, await output, await error);
    }

    private Process Start(string workingDirectory, string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
    }
}
