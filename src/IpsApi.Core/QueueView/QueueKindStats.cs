namespace IpsApi.Core.QueueView;

/// <summary>
/// The queue of one kind of work: how many are in each state, how long the oldest due one has waited, and how many
/// settled (done or failed) in the last minute, the drain rate.
/// </summary>
public sealed record QueueKindStats(
    string Kind,
    int Due,
    int Retrying,
    int Scheduled,
    int Leased,
    int Failed,
    TimeSpan? OldestDueAge,
    int SettledLastMinute);
