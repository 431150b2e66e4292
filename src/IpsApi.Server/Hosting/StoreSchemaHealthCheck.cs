using IpsApi.Core.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Readiness: the store's schema has no migration pending, so this version's queries find their tables and columns.
/// Once up to date it stays so for the life of the process (migrations only move forward), and the check stops
/// asking the store. The cause of a failure is never answered: the endpoint needs no credentials.
/// </summary>
public sealed class StoreSchemaHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    private volatile bool upToDate;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (upToDate)
        {
            return HealthCheckResult.Healthy();
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var pending = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().PendingAsync(cancellationToken);
            if (pending.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"the store needs {pending.Count} migration(s): run 'ipsapi migrate'");
            }

            upToDate = true;
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("the store's schema could not be read");
        }
    }
}
