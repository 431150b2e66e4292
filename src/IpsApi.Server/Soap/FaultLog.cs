using IpsApi.Core.Faults;
using IDiagnosticContext = Serilog.IDiagnosticContext;

namespace IpsApi.Server.Soap;

/// <summary>Puts the fault code on the request's log line, so an operator sees 30001 from 30000 at a glance.</summary>
public static class FaultLog
{
    public const string CodeKey = "IpsApi.FaultCode";
    public const int ServerFaultCode = FaultCodes.Exception;

    public static void Record(HttpContext http, IDiagnosticContext diagnostics, IpsFault fault)
    {
        http.Items[CodeKey] = fault.Code;
        diagnostics.Set("FaultCode", fault.Code);
    }
}
