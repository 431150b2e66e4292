using System.Threading.Channels;
using IpsApi.Core.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Stores accepted requests (each with its batches and audit record) so that requests accepted at the same time share
/// one transaction and one commit, one fsync of the store's log for many requests. A request that finds no commit
/// under way is written at once, without waiting for company; those that arrive while one is under way wait for it
/// (a commit's length, about a millisecond on PostgreSQL) and are then written together. Each caller is answered
/// only once the commit that holds its request has returned, so a success reply still means a durable request.
/// The store's <see cref="IRequestWriter"/> writes each group.
/// <para>
/// <see cref="InvalidationOptions.CommitWriters"/> commits (one by default) may be under way at once, each on a
/// connection of its own: with more than one, the next commit can be written while one waits for its fsync, at the
/// price of smaller groups.
/// </para>
/// <para>
/// A commit the store refuses fails no one else's request: a group whose transaction was rolled back is written
/// again one request at a time, so only the request that caused the refusal gets it. A commit whose answer was lost
/// (<see cref="StoreFailure.OutcomeUnknown"/>) is reported to every request in it: each may have been stored.
/// </para>
/// </summary>
public sealed partial class GroupCommit(
    IRequestWriter writer, IOptions<InvalidationOptions> options, Metrics.IpsMetrics metrics, ILogger<GroupCommit> logger) : IAsyncDisposable
{
    /// <summary>The most requests in one commit: beyond a few dozen a commit only grows longer, not cheaper per request.</summary>
    public const int MaxRequests = 64;

    /// <summary>The most URLs in one commit, so that one transaction stays a few megabytes at most.</summary>
    public const int MaxUrls = 10_000;

    private readonly Channel<Pending> waiting = Channel.CreateUnbounded<Pending>();
    private readonly Lock starting = new();
    private Task? writers;

    /// <summary>
    /// Stores <paramref name="request"/> (with its batches) and <paramref name="audit"/> in the next commit; completes
    /// when that commit has returned. Cancelling before the commit begins leaves the request out of it; after, the
    /// caller stops waiting but the commit goes on (its outcome is then unknown to the caller, as with any commit).
    /// </summary>
    public Task StoreAsync(InvalidationRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audit);
        StartWriters();
        var pending = new Pending(request, audit, cancellationToken);
        if (!waiting.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit), "The server is stopping: no request is stored any more.");
        }

        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stores what is waiting, then stops taking requests.</summary>
    public async ValueTask DisposeAsync()
    {
        waiting.Writer.TryComplete();
        if (writers is not null)
        {
            await writers;
        }
    }

    private void StartWriters()
    {
        if (writers is not null)
        {
            return;
        }

        lock (starting)
        {
            writers ??= Task.WhenAll(Enumerable.Range(0, options.Value.CommitWriters).Select(_ => Task.Run(WriteAsync)));
        }
    }

    /// <summary>One writer: takes what is waiting (up to the limits) and commits it, until the server stops.</summary>
    private async Task WriteAsync()
    {
        var group = new List<Pending>(MaxRequests);
        // A request taken but over this group's URL limit opens this writer's next group.
        Pending? carried = null;
        while (carried is not null || await waiting.Reader.WaitToReadAsync())
        {
            group.Clear();
            var urls = 0;
            var next = carried;
            carried = null;
            while (next is not null || (group.Count < MaxRequests && waiting.Reader.TryRead(out next)))
            {
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Stored.TrySetCanceled(next.CancellationToken);
                }
                else if (group.Count > 0 && urls + next.Request.UrlCount > MaxUrls)
                {
                    carried = next;
                    break;
                }
                else
                {
                    // The first request always goes, however many URLs it has.
                    group.Add(next);
                    urls += next.Request.UrlCount;
                }

                next = null;
            }

            if (group.Count > 0)
            {
                await CommitAsync(group);
            }
        }
    }

    private async Task CommitAsync(List<Pending> group)
    {
        try
        {
            await writer.WriteAsync([.. group.Select(p => p.Accepted)]);
            metrics.AcceptCommit(group.Count);
            foreach (var pending in group)
            {
                pending.Stored.TrySetResult();
            }
        }
        catch (Exception e) when (group.Count > 1 && !StoreFailure.OutcomeUnknown(e))
        {
            // Rolled back, so nothing of the group is stored: one request may be the cause (a company removed
            // meanwhile), and it alone should hear of it.
            LogGroupRefused(logger, e, group.Count);
            foreach (var pending in group)
            {
                await CommitAsync([pending]);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Stored.TrySetException(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The store refused a commit of {Requests} invalidation requests; storing them one at a time so that only the cause is refused")]
    private static partial void LogGroupRefused(ILogger logger, Exception exception, int requests);

    private sealed class Pending(InvalidationRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        public InvalidationRequest Request { get; } = request;

        public AcceptedRequest Accepted { get; } = new(request, audit);

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Completed off the writer's thread, so a caller's continuation never delays the next commit.</summary>
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
