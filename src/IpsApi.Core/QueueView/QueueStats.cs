namespace IpsApi.Core.QueueView;

/// <summary>
/// The queue at <see cref="At"/>: per kind (<see cref="QueueKindStats"/>), and the failures of the last hour per
/// provider (URLs of batches that ended in ERROR or ERROR_CDN_NODE, by the provider that failed them) and per job kind
/// (<c>job:mail</c>, …).
/// </summary>
public sealed record QueueStats(DateTimeOffset At, IReadOnlyList<QueueKindStats> Kinds, IReadOnlyDictionary<string, int> FailuresLastHour);
