using IpsApi.Core.Companies;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Support;

/// <summary>The real server (Kestrel on a loopback port, the production pipeline) on a store of its own.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public Uri ServiceAddress => new(BaseAddress, "/scene7/services/IpsApiService");

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<TestServer> StartAsync(IDictionary<string, string?> configuration, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddIpsApi();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseIpsApi();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        await app.StartAsync();
        return new TestServer(app, app.BoundAddress());
    }

    public static Task<TestServer> StartOnPostgresAsync(string connectionString, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:IpsApi"] = connectionString,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return StartAsync(configuration, services);
    }

    public async Task<T> WithDbAsync<T>(Func<IpsDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IpsDbContext>());
    }

    /// <summary>Runs <paramref name="work"/> with the services of a scope of its own, as one request would have them.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>A company with a unique root, publishing on <c>{root}.images.test</c> unless told otherwise.</summary>
    public Task<Company> AddCompanyAsync(string? root = null, params string[] publishHosts)
    {
        root ??= "Co" + Guid.NewGuid().ToString("N")[..10];
        var company = new Company
        {
            Name = root,
            RootId = root,
            PublishHosts = publishHosts.Length > 0 ? [.. publishHosts] : [root.ToLowerInvariant() + ".images.test"],
            CreatedAt = DateTimeOffset.UtcNow,
        };
        return WithDbAsync(async db =>
        {
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company;
        });
    }

    public Task<TestUser> AddUserAsync(Role role, params Company[] companies)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var password = "pw-" + Guid.NewGuid().ToString("N");
        return WithDbAsync(async db =>
        {
            var user = new User { Email = email, PasswordHash = PasswordHasher.Hash(password), Role = role, CreatedAt = DateTimeOffset.UtcNow };
            foreach (var company in companies)
            {
                user.Companies.Add(await db.Companies.FindAsync(company.Id) ?? throw new InvalidOperationException("no company"));
            }

            db.Users.Add(user);
            await db.SaveChangesAsync();
            return new TestUser(user.Id, email, password);
        });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
