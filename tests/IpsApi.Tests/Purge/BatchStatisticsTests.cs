using IpsApi.Tests.Usage;
using Npgsql;

namespace IpsApi.Tests.Purge;

/// <summary>What the PostgreSQL schema tells the planner's statistics about the batches.</summary>
public sealed class BatchStatisticsTests
{
    [Fact]
    public async Task UrlArrays_AreLeftOutOfAnalyze_TheOtherColumnsAreNot()
    {
        await using var store = await UsageStore.StartAsync(postgres: true);
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT attname, COALESCE(attstattarget, -1) FROM pg_attribute
            WHERE attrelid = 'notification_batches'::regclass AND attname IN ('urls', 'targets', 'status', 'completed_at')
            ORDER BY attname
            """, connection);
        var targets = new List<(string, int)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                targets.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        // 0: no statistics gathered; -1: the server's default target.
        Assert.Equal([("completed_at", -1), ("status", -1), ("targets", 0), ("urls", 0)], targets);
    }
}
