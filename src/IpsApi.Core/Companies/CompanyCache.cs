namespace IpsApi.Core.Companies;

/// <summary>
/// Companies as last read from the store, for a few seconds: every call reads its company's root
/// and publish hosts, which change only by administration. Membership and credentials are not
/// cached here; an unknown id is never cached, so a new company is usable at once.
/// </summary>
public sealed class CompanyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private readonly ExpiringMap<int, Company> entries = new(clock, Lifetime, maxEntries: 10_000);

    public async Task<Company?> GetAsync(int companyId, Func<int, Task<Company?>> load)
    {
        if (entries.TryGet(companyId, out var cached))
        {
            return cached;
        }

        var company = await load(companyId);
        if (company is not null)
        {
            entries.Set(companyId, company);
        }

        return company;
    }
}
