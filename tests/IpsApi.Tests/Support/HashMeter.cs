using System.Diagnostics.Metrics;
using IpsApi.Core.Users.Throttling;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Support;

/// <summary>
/// Watches one server's password hashes through its <c>ipsapi.auth.hashes.active</c> instrument (only that server's:
/// its meter belongs to the server's own <see cref="IMeterFactory"/>): how many started, the most at once, how many wait.
/// </summary>
public sealed class HashMeter : IDisposable
{
    private readonly MeterListener listener = new();
    private int active;
    private int maxActive;
    private int started;
    private int refused;
    private int waiting;

    public HashMeter(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory
                && instrument.Name is PasswordHashGate.ActiveHashesInstrument or PasswordHashGate.RefusedInstrument or PasswordHashGate.WaitingInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, delta, _, _) =>
        {
            if (instrument.Name == PasswordHashGate.WaitingInstrument)
            {
                Interlocked.Add(ref waiting, delta);
                return;
            }

            if (delta > 0)
            {
                Interlocked.Increment(ref started);
            }

            var now = Interlocked.Add(ref active, delta);
            int seen;
            while (now > (seen = Volatile.Read(ref maxActive)) && Interlocked.CompareExchange(ref maxActive, now, seen) != seen)
            {
            }
        });
        listener.SetMeasurementEventCallback<long>((_, count, _, _) => Interlocked.Add(ref refused, (int)count));
        listener.Start();
    }

    /// <summary>Hashes begun since this meter was made.</summary>
    public int Started => Volatile.Read(ref started);

    /// <summary>The most hashes running at one time.</summary>
    public int MaxActive => Volatile.Read(ref maxActive);

    /// <summary>Checks waiting for a hash thread now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Checks refused because the hash queue was full.</summary>
    public int Refused => Volatile.Read(ref refused);

    public void Dispose() => listener.Dispose();
}
