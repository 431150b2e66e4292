using System.Text;
using IpsApi.Core.Faults;

namespace IpsApi.Server.Soap;

/// <summary>
/// What the request log line says about a SOAP call: operation, user and fault code, never the
/// body or credentials. The guard and the fault transformer note them on the request as they learn them.
/// </summary>
public static class RequestLog
{
    private const string OperationKey = "IpsApi.Operation";
    private const string UserKey = "IpsApi.User";
    private const string FaultCodeKey = "IpsApi.FaultCode";
    private const string BusyKey = "IpsApi.Busy";

    public static void Operation(HttpContext http, string operation) => http.Items[OperationKey] = operation;

    public static void User(HttpContext http, string email) => http.Items[UserKey] = email;

    public static void Fault(HttpContext http, IpsFault fault) => http.Items[FaultCodeKey] = fault.Code;

    public static int? FaultCode(HttpContext http) => http.Items[FaultCodeKey] as int?;

    /// <summary>The request was refused because too many password checks were waiting: load, not a server failure.</summary>
    public static void Busy(HttpContext http) => http.Items[BusyKey] = true;

    public static bool IsBusy(HttpContext http) => http.Items.ContainsKey(BusyKey);

    /// <summary>e.g. <c> cdnCacheInvalidation by admin@example.com fault 30001</c>; empty for other requests.</summary>
    public static string Describe(HttpContext http)
    {
        var text = new StringBuilder();
        if (http.Items[OperationKey] is string operation)
        {
            text.Append(' ').Append(operation);
        }

        if (http.Items[UserKey] is string user)
        {
            text.Append(" by ").Append(user);
        }

        if (FaultCode(http) is { } code)
        {
            text.Append(" fault ").Append(code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
