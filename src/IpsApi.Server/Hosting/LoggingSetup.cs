using System.Reflection;
using IpsApi.Core.Faults;
using Serilog;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Serilog from configuration (<c>Serilog</c> section for levels): a readable console by default,
/// one JSON object a line when <c>Log:Format</c> is <c>json</c>; either way, no logged value can break an
/// entry's line or carry a terminal escape. Faults that are the caller's
/// mistake are answers, not errors, so an error log of one (by any component) is dropped.
/// </summary>
public static class LoggingSetup
{
    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        logger.ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(e => IsClientFault(e.Exception));
        return logger.WriteTo.Console(Formatter(configuration));
    }

    /// <summary>
    /// How a log entry is written: one escaped line of text (<see cref="TextLogFormatter"/>), or compact JSON
    /// when <c>Log:Format</c> is <c>json</c> (JSON's escaping already writes line breaks and ESC as <c>\r</c>, <c>\n</c>, <c>\u001b</c>).
    /// </summary>
    public static ITextFormatter Formatter(IConfiguration configuration) =>
        string.Equals(configuration["Log:Format"], "json", StringComparison.OrdinalIgnoreCase)
            ? new RenderedCompactJsonFormatter()
            : new TextLogFormatter();

    private static bool IsClientFault(Exception? exception) =>
        exception is IpsFaultException { Fault.IsServerFault: false }
        || exception is TargetInvocationException { InnerException: IpsFaultException { Fault.IsServerFault: false } };
}
