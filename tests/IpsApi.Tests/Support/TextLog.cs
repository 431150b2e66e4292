using System.Text;
using IpsApi.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace IpsApi.Tests.Support;

/// <summary>
/// The server's log as its console would print it (the same formatter, text or JSON as configured),
/// kept in memory, with a way to wait for an entry instead of sleeping.
/// </summary>
public sealed class TextLog(ITextFormatter formatter) : ILogEventSink
{
    private readonly object gate = new();
    private readonly StringBuilder text = new();
    private readonly List<LogEvent> events = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TextLog For(IDictionary<string, string?> configuration) =>
        new(LoggingSetup.Formatter(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build()));

    public string Text
    {
        get
        {
            lock (gate)
            {
                return text.ToString();
            }
        }
    }

    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        formatter.Format(logEvent, line);
        TaskCompletionSource wake;
        lock (gate)
        {
            text.Append(line);
            events.Add(logEvent);
            wake = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.SetResult();
    }

    /// <summary>The first event after the first <paramref name="skip"/> that matches, waiting for it at most <paramref name="timeout"/>.</summary>
    public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match, TimeSpan timeout, int skip = 0)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (events.Skip(skip).FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                next = changed.Task;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching log entry within {timeout}. The log:\n{Text}");
            }
        }
    }

    /// <summary>The request log entry for <paramref name="path"/> (UseSerilogRequestLogging's, written when the response ends).</summary>
    public Task<LogEvent> RequestEntryAsync(string path, int skip = 0) =>
        WaitForAsync(e => e.Properties.TryGetValue("RequestPath", out var p) && p is ScalarValue { Value: string s } && s == path, TimeSpan.FromSeconds(20), skip);

    /// <summary>The entries at Error or above: message and exception.</summary>
    public IReadOnlyList<string> Problems(int skip = 0) =>
        [.. Events.Skip(skip).Where(e => e.Level >= LogEventLevel.Error).Select(e => e.RenderMessage() + " " + e.Exception)];
}
