namespace IpsApi.Tests.Retention;

public sealed record Remains(int Requests, int Batches, int Jobs, int HookDeliveries, int LinkedAudits, int DetachedAudits)
{
    public static readonly Remains All = new(1, 1, 1, 1, 1, 0);

    /// <summary>The request deleted; its audit record kept, with its handle.</summary>
    public static readonly Remains AuditOnly = new(0, 0, 0, 0, 0, 1);

    public static readonly Remains Nothing = new(0, 0, 0, 0, 0, 0);
}
