using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace IpsApi.Server.Hosting;

/// <summary>
/// The text log: one line an entry (<c>[time level] source: message</c>), then the exception's lines if
/// there is one. Control characters on the line, whatever value brought them (a request path, a user
/// name, a header, a fault reason), are written as escapes (<c>\r</c>, <c>\n</c>, <c>\t</c>,
/// <c>\u001b</c>), so an entry can neither forge another line nor drive the terminal it is read on.
/// An exception keeps its line breaks, and only those.
/// </summary>
public sealed class TextLogFormatter : ITextFormatter
{
    public const string LineTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}";

    private readonly MessageTemplateTextFormatter line = new(LineTemplate, CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        using var rendered = new StringWriter(CultureInfo.InvariantCulture);
        line.Format(logEvent, rendered);
        WriteEscaped(rendered.ToString(), output, keepLineBreaks: false);
        output.WriteLine();
        if (logEvent.Exception is { } exception)
        {
            WriteEscaped(exception.ToString(), output, keepLineBreaks: true);
            output.WriteLine();
        }
    }

    private static void WriteEscaped(string text, TextWriter output, bool keepLineBreaks)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c) || (keepLineBreaks && (c == '\n' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))))
            {
                continue;
            }

            output.Write(text.AsSpan(start, i - start));
            output.Write(c switch
            {
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            start = i + 1;
        }

        output.Write(text.AsSpan(start));
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069';
}
