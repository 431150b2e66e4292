using System.Collections.Concurrent;

namespace IpsApi.Core.Companies;

/// <summary>
/// Companies as last read from the store, for a few seconds: every call reads its company's root
/// and publish hosts, which change only by administration. Membership and credentials are not
/// cached here; an unknown id is never cached, so a new company is usable at once.
/// </summary>
public sealed class CompanyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<int, (Company Company, DateTimeOffset ExpiresAt)> entries = new();

    public async Task<Company?> GetAsync(int companyId, Func<int, Task<Company?>> load)
    {
        if (entries.TryGetValue(companyId, out var entry) && entry.ExpiresAt > clock.GetUtcNow())
        {
            return entry.Company;
        }

        var company = await load(companyId);
        if (company is not null)
        {
            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }

            entries[companyId] = (company, clock.GetUtcNow() + Lifetime);
        }

        return company;
    }
}
