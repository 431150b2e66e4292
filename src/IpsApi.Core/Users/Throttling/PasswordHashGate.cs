using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Runs password checks on <see cref="LoginThrottleOptions.MaxConcurrentHashes"/> threads of their own, at a lower
/// CPU priority than request handling, so that a flood of bad passwords (each ~100 ms of a core) neither takes more
/// than those cores nor delays requests whose credentials are already verified: when both want a core, the request
/// runs first. Checks wait in arrival order, at most <see cref="LoginThrottleOptions.MaxQueuedHashes"/>; past that a
/// check is refused at once. The refusal depends only on the load, never on the user name or the password, so it
/// says nothing about either.
/// </summary>
public sealed class PasswordHashGate : IDisposable
{
    public const string MeterName = "IpsApi";
    public const string ActiveHashesInstrument = "ipsapi.auth.hashes.active";
    public const string RefusedInstrument = "ipsapi.auth.hashes.refused";
    public const string WaitingInstrument = "ipsapi.auth.hashes.waiting";

    /// <summary>
    /// The hash threads' nice value on Linux (0 is normal, 19 the lowest). At 5 a hash thread gets a quarter of a core
    /// that a request thread also wants, and all of an idle one: requests go first, yet checks still progress on a
    /// machine busy with other work (at 10 or more they all but stop there). A thread may lower its own priority
    /// without privileges, never raise it again, hence threads of their own.
    /// </summary>
    private const int HashThreadNice = 5;

    private readonly Channel<Check> queue;
    private readonly UpDownCounter<int> active;
    private readonly UpDownCounter<int> waiting;
    private readonly Counter<long> refused;

    public PasswordHashGate(IOptions<LoginThrottleOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        queue = Channel.CreateBounded<Check>(new BoundedChannelOptions(options.Value.MaxQueuedHashes)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = options.Value.MaxConcurrentHashes == 1,
        });
        var meter = meters.Create(MeterName);
        active = meter.CreateUpDownCounter<int>(ActiveHashesInstrument, "{hash}", "Password hashes being computed");
        waiting = meter.CreateUpDownCounter<int>(WaitingInstrument, "{check}", "Password checks waiting for a hash thread (abandoned ones until skipped)");
        refused = meter.CreateCounter<long>(RefusedInstrument, "{request}", "Password checks refused because the hash queue was full");
        for (var i = 0; i < options.Value.MaxConcurrentHashes; i++)
        {
            new Thread(Work) { IsBackground = true, Name = "IpsApi password hash", Priority = ThreadPriority.BelowNormal }.Start();
        }
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="storedHash"/>, once a hash thread is free; null when
    /// the queue is full.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request was aborted while it waited.</exception>
    public Task<bool?> VerifyAsync(string password, string storedHash, CancellationToken cancellationToken)
    {
        // A waiting check whose request is aborted ends at once; the hash thread skips it when its turn comes.
        var check = new Check(password, storedHash, cancellationToken);
        if (!queue.Writer.TryWrite(check))
        {
            check.Dispose();
            refused.Add(1);
            return Task.FromResult<bool?>(null);
        }

        waiting.Add(1);

        return check.Result.Task;
    }

    public void Dispose() => queue.Writer.TryComplete();

    private void Work()
    {
        LowerPriority();
        var reader = queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var check))
            {
                waiting.Add(-1);
                if (check.Result.Task.IsCompleted)
                {
                    continue;
                }

                active.Add(1);
                try
                {
                    check.Result.TrySetResult(PasswordHasher.Verify(check.Password, check.StoredHash));
                }
                catch (Exception e)
                {
                    check.Result.TrySetException(e);
                }
                finally
                {
                    active.Add(-1);
                    check.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Thread.Priority is not applied on Linux (the default scheduler ignores it); the nice value is, and there it
    /// belongs to the calling thread alone.
    /// </summary>
    private static void LowerPriority()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetPriority(PrioProcess, 0, HashThreadNice);
        }
    }

    private const int PrioProcess = 0;

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled, for three ints that need no marshalling.
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);

    private sealed class Check : IDisposable
    {
        private readonly CancellationTokenRegistration abort;

        public Check(string password, string storedHash, CancellationToken cancellationToken)
        {
            Password = password;
            StoredHash = storedHash;
            abort = cancellationToken.Register(() => Result.TrySetCanceled(cancellationToken));
        }

        public string Password { get; }

        public string StoredHash { get; }

        public TaskCompletionSource<bool?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => abort.Dispose();
    }
}
