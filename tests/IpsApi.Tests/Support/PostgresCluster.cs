using System.Diagnostics;

namespace IpsApi.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of the test's own (scripts/pg.sh, copied beside the tests), for tests
/// that stop and restart the server without disturbing the shared one.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "scripts", "pg.sh");
    private readonly string directory;

    private PostgresCluster(string directory, string connectionString)
    {
        this.directory = directory;
        ConnectionString = connectionString;
        Port = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Port;
    }

    public string ConnectionString { get; }

    public int Port { get; }

    public static async Task<PostgresCluster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("ipsapi-pg-").FullName;
        var connectionString = await RunAsync("start-free", directory, "56100", "56999");
        return new PostgresCluster(directory, connectionString.Trim());
    }

    public Task StopAsync() => RunAsync("stop", directory);

    public Task RestartAsync() => RunAsync("start", directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PG_FAST"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg.sh {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }
}
