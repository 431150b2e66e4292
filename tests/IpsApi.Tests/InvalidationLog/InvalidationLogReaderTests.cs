using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.InvalidationLog;

/// <summary>
/// The invalidation log's filters on both stores: the status is derived from the batches as
/// getCdnCacheInvalidationStatus derives it, in SQL on PostgreSQL and page by page on SQLite.
/// </summary>
public sealed class InvalidationLogReaderTests
{
    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task StatusFilter_FindsEachRequestByItsDerivedStatus(string provider)
    {
        await using var server = await StartAsync(provider);
        var company = await server.AddCompanyAsync();
        var now = DateTimeOffset.UtcNow;
        var received = await AddAsync(server, company.Id, [InvalidationStatus.Received, InvalidationStatus.Done]);
        var flushingOrigin = await AddAsync(server, company.Id, [InvalidationStatus.FlushingOrigin, InvalidationStatus.FlushingCdn]);
        var spreading = await AddAsync(server, company.Id, [InvalidationStatus.Done, InvalidationStatus.Done], settlesAt: now.AddHours(1));
        var done = await AddAsync(server, company.Id, [InvalidationStatus.Done, InvalidationStatus.Done], settlesAt: now.AddHours(-1));
        var cdnFailed = await AddAsync(server, company.Id, [InvalidationStatus.ErrorCdnNode, InvalidationStatus.Done]);
        var failed = await AddAsync(server, company.Id, [InvalidationStatus.ErrorCdnNode, InvalidationStatus.Error]);

        async Task<string[]> ListAsync(string? status) =>
            [.. (await ReadAsync(server, r => r.ListAsync(new InvalidationLogFilter(Status: status), CancellationToken.None))).Select(s => s.Handle)];

        Assert.Equal([failed, cdnFailed, done, spreading, flushingOrigin, received], await ListAsync(null));
        Assert.Equal([received], await ListAsync(InvalidationStatus.Received));
        Assert.Equal([flushingOrigin], await ListAsync(InvalidationStatus.FlushingOrigin));
        Assert.Equal([spreading], await ListAsync(InvalidationStatus.FlushingCdn));
        Assert.Equal([done], await ListAsync(InvalidationStatus.Done));
        Assert.Equal([cdnFailed], await ListAsync(InvalidationStatus.ErrorCdnNode));
        Assert.Equal([failed], await ListAsync(InvalidationStatus.Error));
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task CompanyKindSinceAndLimit_NarrowTheListing(string provider)
    {
        await using var server = await StartAsync(provider);
        var acme = await server.AddCompanyAsync();
        var other = await server.AddCompanyAsync();
        var start = DateTimeOffset.UtcNow;
        var old = await AddAsync(server, acme.Id, [InvalidationStatus.Done], createdAt: start.AddDays(-2));
        var automatic = await AddAsync(server, acme.Id, [InvalidationStatus.Done], createdAt: start.AddMinutes(-1), kind: InvalidationKinds.Automatic);
        var recent = await AddAsync(server, acme.Id, [InvalidationStatus.Done], createdAt: start);
        var others = await AddAsync(server, other.Id, [InvalidationStatus.Done], createdAt: start);

        async Task<string[]> ListAsync(InvalidationLogFilter filter) =>
            [.. (await ReadAsync(server, r => r.ListAsync(filter, CancellationToken.None))).Select(s => s.Handle)];

        Assert.Equal([recent, automatic, old], await ListAsync(new InvalidationLogFilter(CompanyId: acme.Id)));
        Assert.Equal([others], await ListAsync(new InvalidationLogFilter(CompanyId: other.Id)));
        Assert.Equal([automatic], await ListAsync(new InvalidationLogFilter(Kind: InvalidationKinds.Automatic)));
        Assert.Equal([others, recent, automatic], await ListAsync(new InvalidationLogFilter(Since: start.AddHours(-1))));
        Assert.Equal([others, recent], await ListAsync(new InvalidationLogFilter(Limit: 2)));
        Assert.Equal([recent], await ListAsync(new InvalidationLogFilter(CompanyId: acme.Id, Status: InvalidationStatus.Done, Since: start.AddSeconds(-1))));
    }

    [Fact]
    public async Task Find_NeedsTheWholeHandle()
    {
        await using var server = await StartAsync("Postgres");
        var company = await server.AddCompanyAsync();
        var handle = await AddAsync(server, company.Id, [InvalidationStatus.Done]);
        var forged = handle[..^1] + (handle[^1] == 'A' ? 'B' : 'A');

        Assert.NotNull(await ReadAsync(server, r => r.FindAsync(handle, CancellationToken.None)));
        Assert.Null(await ReadAsync(server, r => r.FindAsync(forged, CancellationToken.None)));
    }

    private static async Task<TestServer> StartAsync(string provider) =>
        provider == "Postgres"
            ? await TestServer.StartOnPostgresAsync(await TestPostgres.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Purge:Workers"] = "0" })
            : await TestServer.StartAsync(new Dictionary<string, string?>
            {
                ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("ipsapi-log-").FullName, "ipsapi.db")}",
                ["Purge:Workers"] = "0",
            });

    private static async Task<T> ReadAsync<T>(TestServer server, Func<InvalidationLogReader, Task<T>> read)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<InvalidationLogReader>());
    }

    /// <summary>A request whose batches are already in <paramref name="statuses"/>, as the workers would have left them.</summary>
    private static Task<string> AddAsync(
        TestServer server, int companyId, string[] statuses, DateTimeOffset? settlesAt = null, DateTimeOffset? createdAt = null, string kind = InvalidationKinds.Manual) =>
        server.WithDbAsync(async db =>
        {
            var at = createdAt ?? DateTimeOffset.UtcNow;
            var user = await db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => (int?)u.Id).FirstOrDefaultAsync();
            var request = new InvalidationRequest
            {
                CompanyId = companyId,
                Token = InvalidationHandle.NewToken(),
                UrlCount = statuses.Length,
                CreatedAt = at,
                SubmittedBy = Caller.Operator("test").User.Email,
                Kind = kind,
                UserId = user,
                Batches = [.. statuses.Select((status, i) => new NotificationBatch
                {
                    CompanyId = companyId,
                    Sequence = i,
                    Urls = [$"https://images.example.test/is/image/Example/{i}"],
                    UrlCount = 1,
                    Status = status,
                    NextAttemptAt = at,
                    CompletedAt = InvalidationStatus.IsTerminal(status) ? at : null,
                    SettlesAt = status == InvalidationStatus.Done ? settlesAt : null,
                })],
            };
            db.InvalidationRequests.Add(request);
            await db.SaveChangesAsync();
            return request.Handle;
        });
}
