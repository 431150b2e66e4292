using IpsApi.Core.Companies;
using IpsApi.Core.Jobs;
using IpsApi.Core.Purge;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Support;

/// <summary>
/// A server with purge workers on a database of its own, retrying fast, with an admin and a
/// company ready: for tests that follow a request from the reply to Done (or a failure).
/// </summary>
public sealed class PurgeStack : IAsyncDisposable
{
    private readonly string connectionString;
    private readonly bool ownsDatabase;

    private PurgeStack(string connectionString, bool ownsDatabase, TestServer server, TestUser admin, Company company)
    {
        this.connectionString = connectionString;
        this.ownsDatabase = ownsDatabase;
        Server = server;
        Admin = admin;
        Company = company;
    }

    public TestServer Server { get; }

    public TestUser Admin { get; }

    public Company Company { get; }

    public string ConnectionString => connectionString;

    /// <summary>Fast retries and polling unless <paramref name="configuration"/> says otherwise.</summary>
    public static Task<PurgeStack> StartAsync(IDictionary<string, string?> configuration, params IPurgeProvider[] providers) =>
        StartOnAsync(null, configuration, providers);

    /// <summary>As <see cref="StartAsync(IDictionary{string, string?}, IPurgeProvider[])"/>, on a clock that moves only when the test moves it.</summary>
    public static Task<PurgeStack> StartAsync(IDictionary<string, string?> configuration, TimeProvider clock) =>
        StartOnAsync(null, configuration, [], clock);

    /// <summary>As <see cref="StartAsync(IDictionary{string, string?}, IPurgeProvider[])"/>, on the given database (left in place) or a new one (dropped after).</summary>
    public static Task<PurgeStack> StartOnAsync(string? database, IDictionary<string, string?> configuration, params IPurgeProvider[] providers) =>
        StartOnAsync(database, configuration, providers, null);

    /// <summary>As <see cref="StartAsync(IDictionary{string, string?}, IPurgeProvider[])"/>, with services of the test's own (e.g. job handlers).</summary>
    public static Task<PurgeStack> StartWithAsync(IDictionary<string, string?> configuration, Action<IServiceCollection> services, params IPurgeProvider[] providers) =>
        StartOnAsync(null, configuration, providers, null, services);

    private static async Task<PurgeStack> StartOnAsync(
        string? database, IDictionary<string, string?> configuration, IPurgeProvider[] providers, TimeProvider? clock, Action<IServiceCollection>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Purge:Workers"] = "2",
            ["Purge:PollInterval"] = "00:00:00.050",
            ["Purge:RetryBaseDelay"] = "00:00:00.050",
            ["Purge:RetryMaxDelay"] = "00:00:00.200",
        };
        foreach (var (key, value) in configuration)
        {
            settings[key] = value;
        }

        var connectionString = database ?? await TestPostgres.CreateDatabaseAsync();
        var server = await TestServer.StartOnPostgresAsync(connectionString, settings, services =>
        {
            foreach (var provider in providers)
            {
                services.AddSingleton(provider);
            }

            if (clock is not null)
            {
                services.AddSingleton(clock);
            }

            extra?.Invoke(services);
        });
        var company = await server.AddCompanyAsync();
        var admin = await server.AddUserAsync(Role.IpsAdmin);
        return new PurgeStack(connectionString, database is null, server, admin, company);
    }

    public string Url(string path) => PostgresServerFixture.Url(Company, path);

    /// <summary>
    /// Waits until the store holds exactly <paramref name="count"/> follow-up jobs, all in <paramref name="status"/>; fails
    /// after <paramref name="timeout"/> (30 s unless told) naming each job's kind, status and last error. Ordered by id.
    /// </summary>
    public async Task<List<Job>> WaitForJobsAsync(int count, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var jobs = await Server.WithDbAsync(db => db.Jobs.AsNoTracking().OrderBy(j => j.Id).ToListAsync());
            if (jobs.Count == count && jobs.All(j => j.Status == status))
            {
                return jobs;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{jobs.Count} jobs: {string.Join("; ", jobs.Select(j => $"{j.Kind} {j.Status} {j.LastError}"))}");
            await Task.Delay(25);
        }
    }

    /// <summary>Sets the company's callback with the real <c>ipsapi company callback</c> command on this database; returns the secret it printed.</summary>
    public async Task<string> SetCallbackWithCliAsync(Uri url)
    {
        using var cli = new IpsApiProcess(new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__IpsApi"] = connectionString,
        });
        var (exitCode, output, error) = await cli.RunAsync(null, "company", "callback", Company.Handle, "--url", url.ToString());
        Assert.True(exitCode == 0, error);
        var secret = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return secret;
    }

    public async Task<SoapReply> AcceptAsync(params string[] urls)
    {
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(Admin), Company.Handle, urls));
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        return reply;
    }

    public Task<SoapReply> StatusAsync(string handle) => Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(Admin), handle));

    /// <summary>Polls the status until <paramref name="done"/> holds, recording every status seen on the way.</summary>
    public async Task<(SoapReply Last, List<string> Seen)> WaitForAsync(string handle, Func<SoapReply, bool> done, TimeSpan? timeout = null)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var reply = await StatusAsync(handle);
            seen.Add(reply.Value("status"));
            if (done(reply))
            {
                return (reply, seen);
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"status never reached the expected state; last reply: {reply.Body}");
            }

            await Task.Delay(20);
        }
    }

    public Task<(SoapReply Last, List<string> Seen)> WaitForStatusAsync(string handle, string status, TimeSpan? timeout = null) =>
        WaitForAsync(handle, r => r.Value("status") == status, timeout);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (ownsDatabase)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}
