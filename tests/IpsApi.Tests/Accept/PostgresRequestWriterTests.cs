using System.Collections;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Tests.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace IpsApi.Tests.Accept;

/// <summary>
/// The PostgreSQL writer of accepted requests writes its own INSERTs: every column EF Core maps must be among them, with
/// its own value, and its keys must never meet those EF Core draws from the same sequences.
/// </summary>
public sealed class PostgresRequestWriterTests
{
    [Fact]
    public async Task EveryMappedProperty_IsWritten_AndReadsBackAsGiven()
    {
        await using var store = await UsageStore.StartAsync(postgres: true);
        var company = await store.AddCompanyAsync();
        var writer = Assert.IsType<PostgresRequestWriter>(store.Singleton<IRequestWriter>());
        var (request, audit) = EveryPropertySet(store, company);

        await writer.WriteAsync([new AcceptedRequest(request, audit)]);

        await store.WithDbAsync(async db =>
        {
            var storedRequest = await db.InvalidationRequests.AsNoTracking().SingleAsync(r => r.Id == request.Id);
            var storedBatch = await db.NotificationBatches.AsNoTracking().SingleAsync(b => b.RequestId == request.Id);
            var storedAudit = await db.AuditRecords.AsNoTracking().SingleAsync(a => a.RequestId == request.Id);
            AssertSameColumns(db.Model.FindEntityType(typeof(InvalidationRequest))!, request, storedRequest);
            AssertSameColumns(db.Model.FindEntityType(typeof(NotificationBatch))!, request.Batches[0], storedBatch);
            AssertSameColumns(db.Model.FindEntityType(typeof(AuditRecord))!, audit, storedAudit);
            return 0;
        });
    }

    [Fact]
    public async Task Keys_SpanBlocks_AndNeverMeetTheKeysEfCoreDraws()
    {
        await using var store = await UsageStore.StartAsync(postgres: true);
        var company = await store.AddCompanyAsync();
        var writer = store.Singleton<IRequestWriter>();

        // 3 rounds of a 70-request group here (more than one block of 100 keys: the second round spans two) and 70
        // requests through EF Core's own HiLo generator, both drawing on the same three sequences.
        var written = new List<AcceptedRequest>();
        for (var round = 0; round < 3; round++)
        {
            var group = Enumerable.Range(0, 70).Select(_ => NewRequest(store, company)).ToList();
            await writer.WriteAsync(group);
            written.AddRange(group);
            await store.WithDbAsync(async db =>
            {
                foreach (var (request, audit) in Enumerable.Range(0, 70).Select(_ => NewRequest(store, company)))
                {
                    db.InvalidationRequests.Add(request);
                    db.AuditRecords.Add(audit);
                }

                return await db.SaveChangesAsync();
            });
        }

        await store.WithDbAsync(async db =>
        {
            Assert.Equal(420, await db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id));
            Assert.Equal(420, await db.NotificationBatches.Select(b => b.Id).Distinct().CountAsync());
            Assert.Equal(420, await db.AuditRecords.Select(a => a.Id).Distinct().CountAsync());
            return 0;
        });
        Assert.All(written, a => Assert.Equal(a.Request.Id, a.Audit.RequestId));
        Assert.All(written, a => Assert.Equal(a.Request.Id, a.Request.Batches[0].RequestId));
    }

    [Fact]
    public async Task ARefusedStatement_RollsBackTheWholeBatch()
    {
        await using var store = await UsageStore.StartAsync(postgres: true);
        var company = await store.AddCompanyAsync();
        var gone = new Company { Id = int.MaxValue, Name = "gone", RootId = "Gone", PublishHosts = ["gone.test"] };
        var writer = store.Singleton<IRequestWriter>();

        var refusal = await Assert.ThrowsAsync<PostgresException>(() =>
            writer.WriteAsync([NewRequest(store, company), NewRequest(store, gone), NewRequest(store, company)]));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refusal.SqlState);
        Assert.Equal((0, 0, 0), await store.StoredAsync(company));
    }

    private static AcceptedRequest NewRequest(UsageStore store, Company company)
    {
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
        request.Batches.Add(new NotificationBatch { CompanyId = company.Id, Urls = [$"https://{company.PublishHosts[0]}/is/image/{company.RootId}/a"], UrlCount = 1, NextAttemptAt = UsageStore.Start });
        return new AcceptedRequest(request, new AuditRecord { UserEmail = store.Admin.Email, At = UsageStore.Start, Request = request, CompanyId = company.Id, UrlCount = 1 });
    }

    /// <summary>A request, batch and audit record whose every property differs from its type's default and from the others of its type.</summary>
    private static (InvalidationRequest Request, AuditRecord Audit) EveryPropertySet(UsageStore store, Company company)
    {
        var at = UsageStore.Start;
        var request = new InvalidationRequest
        {
            CompanyId = company.Id,
            Token = InvalidationHandle.NewToken(),
            UrlCount = 3,
            EstimatedSeconds = 4,
            CreatedAt = at.AddMinutes(1),
            UserId = store.Admin.StoredId,
            SubmittedBy = "submitter@example.test",
            Kind = InvalidationKinds.Automatic,
            Scope = InvalidationScopes.All,
            OpenBatches = 5,
            EmailCcOriginator = true,
            EmailOthers = ["other@example.test", "third@example.test"],
        };
        request.Batches.Add(new NotificationBatch
        {
            CompanyId = company.Id,
            Sequence = 6,
            Urls = ["https://a.test/is/image/x/1", "https://a.test/is/image/x/2"],
            Targets = ["https://a.test/is/image/x/1?t", "https://a.test/is/image/x/2?t"],
            UrlCount = 2,
            Status = InvalidationStatus.FlushingCdn,
            Attempt = 7,
            UnfinishedClaims = 8,
            LeaseToken = Guid.NewGuid(),
            LeaseExpiresAt = at.AddMinutes(2),
            NextAttemptAt = at.AddMinutes(3),
            CompletedAt = at.AddMinutes(4),
            LastError = "last error",
            DoneProviders = ["varnish"],
            Receipts = "{\"akamai\":\"r\"}",
            FollowUps = ["mail", "callback"],
            SettlesAt = at.AddMinutes(5),
        });
        var audit = new AuditRecord
        {
            Action = AuditActions.Retry,
            Detail = "detail",
            Request = request,
            CompanyId = company.Id,
            UrlCount = 9,
            Handle = "handle",
            UserId = store.Admin.StoredId,
            UserEmail = "auditor@example.test",
            At = at.AddMinutes(6),
            AppName = "app",
            AppVersion = "1.2",
            ClientAddress = "192.0.2.1",
        };
        return (request, audit);
    }

    private static void AssertSameColumns(IEntityType entity, object written, object stored)
    {
        foreach (var property in entity.GetProperties())
        {
            var expected = property.PropertyInfo!.GetValue(written);
            var actual = property.PropertyInfo.GetValue(stored);
            var unset = property.ClrType.IsValueType && Nullable.GetUnderlyingType(property.ClrType) is null
                ? Activator.CreateInstance(property.ClrType)
                : null;
            Assert.False(Equals(expected, unset) || expected is ICollection { Count: 0 }, $"{entity.ClrType.Name}.{property.Name} is left at its default here: set it, so its column is checked");
            if (expected is IEnumerable<string> list)
            {
                Assert.Equal(list, Assert.IsAssignableFrom<IEnumerable<string>>(actual));
            }
            else
            {
                Assert.True(Equals(expected, actual), $"{entity.ClrType.Name}.{property.Name}: wrote {expected}, read {actual}");
            }
        }
    }
}
