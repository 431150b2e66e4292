using System.Data.Common;
using System.Diagnostics;
using IpsApi.Core.Persistence;

namespace IpsApi.Core.Diagnostics;

/// <summary>
/// The store is reachable and its schema is this version's: no migration pending. A missing embedded store file is
/// a failure here (the check creates nothing), as is a PostgreSQL that needs <c>ipsapi migrate</c>.
/// </summary>
public sealed class StoreCheck(DatabaseSettings settings, DatabaseMigrator migrator) : IDiagnosticCheck
{
    public string Name => "store";

    public bool IsConfigured => true;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var target = settings.Describe();
        if (settings.SqliteFile is { } file && !File.Exists(file))
        {
            return [CheckResult.Fail(Name, target, $"no store at {file}: 'ipsapi migrate' (or 'ipsapi serve') creates it", TimeSpan.Zero)];
        }

        var watch = Stopwatch.StartNew();
        try
        {
            var pending = await migrator.PendingAsync(cancellationToken);
            var elapsed = watch.Elapsed;
            return pending.Count == 0
                ? [CheckResult.Ok(Name, target, $"reachable, schema up to date {CheckText.Took(elapsed)}", elapsed)]
                : [CheckResult.Fail(Name, target, $"needs {pending.Count} migration(s) ({string.Join(", ", pending)}): run 'ipsapi migrate'", elapsed)];
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            return [CheckResult.Fail(Name, target, $"unreachable: {CheckText.OneLine(e.Message)}", watch.Elapsed)];
        }
    }
}
