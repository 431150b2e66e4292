namespace IpsApi.Server.Api;

/// <summary>The answer to a stored invalidation: its handle (poll <c>GET /api/v1/invalidations/{handle}</c>), the seconds to wait before polling, and the distinct URLs it purges.</summary>
public sealed record InvalidationCreated(string Handle, int EstimatedSeconds, int UrlCount);
