using System.Reflection;
using IpsApi.Core.Faults;
using Serilog;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Serilog from configuration (<c>Serilog</c> section for levels): a readable console by default,
/// one JSON object a line when <c>Log:Format</c> is <c>json</c>. Faults that are the caller's
/// mistake are answers, not errors, so SoapCore's error log of them is dropped.
/// </summary>
public static class LoggingSetup
{
    public const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        logger.ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(e => IsClientFault(e.Exception));
        return logger.WriteTo.Console(Formatter(configuration));
    }

    /// <summary>How a log entry is written: the text template, or compact JSON when <c>Log:Format</c> is <c>json</c>.</summary>
    public static ITextFormatter Formatter(IConfiguration configuration) =>
        string.Equals(configuration["Log:Format"], "json", StringComparison.OrdinalIgnoreCase)
            ? new RenderedCompactJsonFormatter()
            : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsClientFault(Exception? exception) =>
        exception is IpsFaultException { Fault.IsServerFault: false }
        || exception is TargetInvocationException { InnerException: IpsFaultException { Fault.IsServerFault: false } };
}
