using System.Diagnostics.Metrics;
using IpsApi.Core;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Metrics;
using IpsApi.Tests.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IpsApi.Tests.Accept;

/// <summary>
/// Requests accepted while a commit is under way share the next one, on PostgreSQL. The test holds the commit of a
/// first request with a lock on the requests table (its INSERT waits, as it would behind a slow fsync), so that the
/// others are waiting when it ends: which requests share a commit is then certain, not a matter of timing. The
/// grouping tests run one writer, so that no second commit takes part of what waits.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly Dictionary<string, string?> OneWriter = new() { ["Invalidation:CommitWriters"] = "1" };

    [Fact]
    public async Task RequestsArrivingDuringACommit_AreStoredTogether_InTheNextOne()
    {
        await using var store = await UsageStore.StartAsync(postgres: true, OneWriter);
        var company = await store.AddCompanyAsync();
        var commits = new CommitSizes(store);
        var group = store.Singleton<GroupCommit>();

        await using (var held = await HoldRequestsTableAsync(store))
        {
            var first = group.StoreAsync(NewRequest(store, company, out var firstAudit), firstAudit, CancellationToken.None);
            await held.WaitForBlockedInsertAsync();
            var rest = Enumerable.Range(0, 10).Select(_ => group.StoreAsync(NewRequest(store, company, out var audit), audit, CancellationToken.None)).ToList();
            Assert.All(rest, stored => Assert.False(stored.IsCompleted));
            await held.ReleaseAsync();
            await first;
            await Task.WhenAll(rest);
        }

        Assert.Equal([1, 10], commits.Sizes);
        Assert.Equal((11, 11, 11), await store.StoredAsync(company));
    }

    [Fact]
    public async Task ARequestTheStoreRefuses_FailsAlone_AndTheOthersOfItsGroupAreStored()
    {
        await using var store = await UsageStore.StartAsync(postgres: true, OneWriter);
        var company = await store.AddCompanyAsync();
        var gone = new Company { Id = int.MaxValue, Name = "gone", RootId = "Gone", PublishHosts = ["gone.test"] };
        var commits = new CommitSizes(store);
        var group = store.Singleton<GroupCommit>();

        Task first, before, refused, after;
        await using (var held = await HoldRequestsTableAsync(store))
        {
            first = group.StoreAsync(NewRequest(store, company, out var a), a, CancellationToken.None);
            await held.WaitForBlockedInsertAsync();
            before = group.StoreAsync(NewRequest(store, company, out var b), b, CancellationToken.None);
            refused = group.StoreAsync(NewRequest(store, gone, out var c), c, CancellationToken.None);
            after = group.StoreAsync(NewRequest(store, company, out var d), d, CancellationToken.None);
            await held.ReleaseAsync();
        }

        await first;
        await before;
        await after;
        var failure = await Assert.ThrowsAsync<PostgresException>(() => refused);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, failure.SqlState);
        Assert.Equal((3, 3, 3), await store.StoredAsync(company));
        // The group of three was rolled back and written again one by one: the two that could be stored were.
        Assert.Equal([1, 1, 1], commits.Sizes);
    }

    [Fact]
    public async Task ARequestCancelledBeforeItsCommitBegins_IsNotStored()
    {
        await using var store = await UsageStore.StartAsync(postgres: true, OneWriter);
        var company = await store.AddCompanyAsync();
        var group = store.Singleton<GroupCommit>();
        using var cancel = new CancellationTokenSource();

        Task first, cancelled, kept;
        await using (var held = await HoldRequestsTableAsync(store))
        {
            first = group.StoreAsync(NewRequest(store, company, out var a), a, CancellationToken.None);
            await held.WaitForBlockedInsertAsync();
            cancelled = group.StoreAsync(NewRequest(store, company, out var b), b, cancel.Token);
            kept = group.StoreAsync(NewRequest(store, company, out var c), c, CancellationToken.None);
            await cancel.CancelAsync();
            await held.ReleaseAsync();
        }

        await first;
        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal((2, 2, 2), await store.StoredAsync(company));
    }

    [Fact]
    public async Task TwoWriters_KeepTwoCommitsUnderWayAtOnce()
    {
        await using var store = await UsageStore.StartAsync(postgres: true, new Dictionary<string, string?> { ["Invalidation:CommitWriters"] = "2" });
        var company = await store.AddCompanyAsync();
        var group = store.Singleton<GroupCommit>();

        Task first, second;
        await using (var held = await HoldRequestsTableAsync(store))
        {
            first = group.StoreAsync(NewRequest(store, company, out var a), a, CancellationToken.None);
            await held.WaitForBlockedInsertAsync();
            second = group.StoreAsync(NewRequest(store, company, out var b), b, CancellationToken.None);
            // One writer would leave the second request waiting for the first commit: only one INSERT would wait here.
            await held.WaitForBlockedInsertAsync(inserts: 2);
            await held.ReleaseAsync();
        }

        await first;
        await second;
        Assert.Equal((2, 2, 2), await store.StoredAsync(company));
    }

    [Theory]
    [InlineData("1", null)]
    [InlineData("16", null)]
    [InlineData("0", "Invalidation:CommitWriters must be from 1 to 16.")]
    [InlineData("17", "Invalidation:CommitWriters must be from 1 to 16.")]
    public void CommitWriters_AreCheckedAtStart(string writers, string? failure)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Invalidation:CommitWriters"] = writers }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddIpsCore(configuration).BuildServiceProvider();
        if (failure is null)
        {
            Assert.Equal(int.Parse(writers, System.Globalization.CultureInfo.InvariantCulture), services.GetRequiredService<IOptions<InvalidationOptions>>().Value.CommitWriters);
            return;
        }

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InvalidationOptions>>().Value);
        Assert.Contains(failure, refused.Message, StringComparison.Ordinal);
    }

    private static InvalidationRequest NewRequest(UsageStore store, Company company, out AuditRecord audit)
    {
        var url = $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/{Guid.NewGuid():N}";
        var request = new InvalidationRequest
        {
            CompanyId = company.Id,
            Token = InvalidationHandle.NewToken(),
            UrlCount = 1,
            CreatedAt = UsageStore.Start,
            UserId = store.Admin.StoredId,
            SubmittedBy = store.Admin.Email,
            OpenBatches = 1,
        };
        request.Batches.Add(new NotificationBatch { CompanyId = company.Id, Sequence = 0, Urls = [url], UrlCount = 1, NextAttemptAt = UsageStore.Start });
        audit = new AuditRecord
        {
            Action = AuditActions.Submit,
            UserId = store.Admin.StoredId,
            UserEmail = store.Admin.Email,
            At = UsageStore.Start,
            Request = request,
            CompanyId = company.Id,
            UrlCount = 1,
        };
        return request;
    }

    /// <summary>A transaction holding <c>SHARE</c> on the requests table: inserts wait until it ends.</summary>
    private static async Task<HeldTable> HoldRequestsTableAsync(UsageStore store)
    {
        var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE invalidation_requests IN SHARE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new HeldTable(connection, transaction, store.ConnectionString);
    }

    private sealed class HeldTable(NpgsqlConnection connection, NpgsqlTransaction transaction, string connectionString) : IAsyncDisposable
    {
        /// <summary>Waits until <paramref name="inserts"/> other sessions' INSERTs into the table wait for the lock (their commits are under way).</summary>
        public async Task WaitForBlockedInsertAsync(int inserts = 1)
        {
            await using var watcher = new NpgsqlConnection(connectionString);
            await watcher.OpenAsync();
            await using var blocked = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO%invalidation_requests%'",
                watcher);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while ((long)(await blocked.ExecuteScalarAsync(deadline.Token))! < inserts)
            {
                await Task.Delay(5, deadline.Token);
            }
        }

        public async Task ReleaseAsync() => await transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The sizes of the commits recorded in <c>ipsapi.accept.commit.size</c> by this store's services, in order.</summary>
    private sealed class CommitSizes
    {
        private readonly MeterListener listener = new();
        private readonly List<long> sizes = [];

        public CommitSizes(UsageStore store)
        {
            var factory = store.Singleton<IMeterFactory>();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == IpsMetrics.MeterName && instrument.Name == "ipsapi.accept.commit.size")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, size, _, _) =>
            {
                lock (sizes)
                {
                    sizes.Add(size);
                }
            });
            listener.Start();
        }

        public long[] Sizes
        {
            get
            {
                lock (sizes)
                {
                    return [.. sizes];
                }
            }
        }
    }
}
