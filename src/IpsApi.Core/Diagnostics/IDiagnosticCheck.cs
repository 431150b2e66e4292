namespace IpsApi.Core.Diagnostics;

/// <summary>
/// One thing <c>ipsapi check</c> tests the way the server uses it: a purge provider, the mail server, the store.
/// A check that is not configured is skipped; one that is returns a result per target (each Varnish node, say).
/// A check reports failures in its results and never throws for them.
/// </summary>
public interface IDiagnosticCheck
{
    /// <summary>The name printed on each line, e.g. <c>varnish</c>.</summary>
    string Name { get; }

    bool IsConfigured { get; }

    Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken);
}
