using IpsApi.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace IpsApi.Tests.Unit;

public sealed class StoreFailureTests
{
    [Fact]
    public void LostConnection_LeavesTheOutcomeUnknown()
    {
        Assert.True(StoreFailure.OutcomeUnknown(new DbUpdateException("save failed",
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException()))));
        Assert.True(StoreFailure.OutcomeUnknown(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
    }

    [Fact]
    public void AnErrorTheStoreReported_MeansNothingWasStored()
    {
        Assert.False(StoreFailure.OutcomeUnknown(new DbUpdateException("save failed",
            new PostgresException("duplicate key value", "ERROR", "ERROR", "23505"))));
        Assert.False(StoreFailure.OutcomeUnknown(new DbUpdateException("save failed", new SqliteException("database or disk is full", 13))));
        Assert.False(StoreFailure.OutcomeUnknown(new InvalidOperationException("a bug")));
    }
}
