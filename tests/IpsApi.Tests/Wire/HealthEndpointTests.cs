using System.Diagnostics;
using System.Net;
using IpsApi.Tests.Support;
using Npgsql;

namespace IpsApi.Tests.Wire;

/// <summary><c>/healthz</c> says the process answers; <c>/healthz/ready</c> says the store accepts a write.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task StoreGone_LivenessStaysOk_ReadinessIs503()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        await using var server = await TestServer.StartOnPostgresAsync(connectionString);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz/ready"));

        await TestPostgres.DropDatabaseAsync(connectionString);

        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "store: the store does not accept a write\n"), await GetAsync(server, "/healthz/ready"));
    }

    [Fact]
    public async Task ReadOnlyPostgres_FailsReadiness_UntilItAcceptsWritesAgain()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        try
        {
            await using var server = await TestServer.StartOnPostgresAsync(connectionString);
            var pool = (NpgsqlDataSource)server.Services.GetService(typeof(NpgsqlDataSource))!;

            // What a failover onto a standby, or an operator freezing the database, looks like to new sessions.
            await AdminAsync($"ALTER DATABASE {database} SET default_transaction_read_only = on");
            pool.Clear();
            Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(server, "/healthz/ready")).Status);

            await AdminAsync($"ALTER DATABASE {database} RESET default_transaction_read_only");
            pool.Clear();
            Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz/ready"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task FullDisk_FailsReadiness_OnTheEmbeddedStore_UntilSpaceIsFreed()
    {
        await using var disk = await SmallDisk.MountAsync(megabytes: 2);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(disk.Path, "ipsapi.db")}",
            ["Purge:Workers"] = "0",
        });
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz/ready"));

        var filler = disk.Fill();
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "store: the store does not accept a write\n"), await GetAsync(server, "/healthz/ready"));

        File.Delete(filler);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(server, "/healthz/ready"));
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(TestServer server, string path)
    {
        using var response = await server.Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A tmpfs of a few megabytes, so that a test can fill a disk for real (mounting needs root, as the tests run on CI).</summary>
    private sealed class SmallDisk : IAsyncDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public static async Task<SmallDisk> MountAsync(int megabytes)
        {
            var path = Directory.CreateTempSubdirectory("ipsapi-disk-").FullName;
            await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
            return new SmallDisk(path);
        }

        /// <summary>Writes a file until the disk has no space left; returns its path.</summary>
        public string Fill()
        {
            var filler = System.IO.Path.Combine(Path, "filler");
            using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    stream.Write(block);
                }
            }
            catch (IOException)
            {
                // No space left on device: the disk is full.
            }

            return filler;
        }

        public async ValueTask DisposeAsync()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await RunAsync("umount", "-l", Path);
            Directory.Delete(Path);
        }

        private static async Task RunAsync(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.UserName == "root" ? program : "sudo") { RedirectStandardError = true };
            if (Environment.UserName != "root")
            {
                start.ArgumentList.Add("-n");
                start.ArgumentList.Add(program);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()} — this test needs root or passwordless sudo, as on CI.");
            }
        }
    }
}
