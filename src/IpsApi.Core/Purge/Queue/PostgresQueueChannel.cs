namespace IpsApi.Core.Purge.Queue;

/// <summary>The PostgreSQL notification channel on which processes announce new batches.</summary>
public static class PostgresQueueChannel
{
    public const string Name = "ipsapi_batches";
}
