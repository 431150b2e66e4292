namespace IpsApi.Tests.Retention;

/// <summary>A request stored by <see cref="RetentionStore.AddRequestAsync"/>.</summary>
public sealed record StoredRequest(long Id, string Handle);
