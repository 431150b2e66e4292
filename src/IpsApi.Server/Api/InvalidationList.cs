namespace IpsApi.Server.Api;

/// <summary>A page of the log, newest first; <see cref="Next"/> is the link to the next page, null on the last.</summary>
public sealed record InvalidationList(IReadOnlyList<InvalidationListItem> Items, string? Next);
