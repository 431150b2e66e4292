namespace IpsApi.Core.Diagnostics;

/// <summary>
/// Every configured check, in a fixed order (store, varnish, akamai, fastly, smtp), one after another so that the
/// times printed are each check's own.
/// </summary>
public sealed class SystemCheck(IEnumerable<IDiagnosticCheck> checks)
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        foreach (var check in checks.Where(c => c.IsConfigured))
        {
            results.AddRange(await check.RunAsync(cancellationToken));
        }

        return results;
    }

    /// <summary>The checks not run because nothing of theirs is configured, by name.</summary>
    public IReadOnlyList<string> NotConfigured => [.. checks.Where(c => !c.IsConfigured).Select(c => c.Name)];
}
