namespace IpsApi.Core.Diagnostics;

/// <summary>
/// What one check found about one target (a Varnish node, the Akamai account, the store, …): passed or not,
/// and in words that name no secret.
/// </summary>
public sealed record CheckResult(string Check, string Target, bool Passed, string Detail, TimeSpan Elapsed)
{
    public static CheckResult Ok(string check, string target, string detail, TimeSpan elapsed) => new(check, target, true, detail, elapsed);

    public static CheckResult Fail(string check, string target, string detail, TimeSpan elapsed) => new(check, target, false, detail, elapsed);
}
