namespace IpsApi.Core.Invalidation;

/// <summary>Who asked for an invalidation, when, with which application and from where.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public InvalidationRequest? Request { get; set; }

    public int UserId { get; set; }

    public required string UserEmail { get; set; }

    public DateTimeOffset At { get; set; }

    public string? AppName { get; set; }

    public string? AppVersion { get; set; }

    public string? ClientAddress { get; set; }
}
