using IpsApi.Core;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Unit;

/// <summary>
/// Who may do what to which company lives in the core (<see cref="CompanySettings"/>, <see cref="UserAccounts"/>),
/// so every front end refuses the same callers the same way: an IpsCompanyAdmin reads its own companies and changes
/// none, a foreign company is the same 20000 as an unknown one, and only an IpsAdmin manages users.
/// </summary>
public sealed class CompanyAndUserRulesTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("ipsapi-rules-").FullName;
    private ServiceProvider services = null!;
    private Company own = null!;
    private Company foreign = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:IpsApi"] = $"Data Source={Path.Combine(directory, "ipsapi.db")}",
        }).Build();
        services = new ServiceCollection().AddIpsCore(configuration).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        var settings = scope.ServiceProvider.GetRequiredService<CompanySettings>();
        own = await settings.AddAsync(Caller.Operator("root"), "Own", "Own", ["own.example"], CancellationToken.None);
        foreign = await settings.AddAsync(Caller.Operator("root"), "Foreign", "Foreign", ["foreign.example"], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task CompanyAdmin_ReadsOwnCompany_ButMayNotChangeIt()
    {
        var admin = CompanyAdminOf(own);

        var read = await Run<CompanySettings, Company>(s => s.GetAsync(admin, own.Handle, CancellationToken.None));
        Assert.Equal("Own", read.RootId);

        var refused = await Assert.ThrowsAsync<IpsFaultException>(() =>
            Run<CompanySettings, Company>(s => s.UpdateAsync(admin, own.Handle, new CompanyChange { RequestsPerMinute = 5 }, CancellationToken.None)));
        Assert.Equal(FaultCodes.NoOperationPermission, refused.Fault.Code);
        Assert.Contains(CompanySettings.ChangeOperation, refused.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await Run<CompanySettings, Company>(s => s.GetAsync(Caller.Operator("root"), own.Handle, CancellationToken.None))).RequestsPerMinute);
    }

    [Fact]
    public async Task CompanyAdmin_ForeignCompany_IsTheSame20000AsAnUnknownOne()
    {
        var admin = CompanyAdminOf(own);

        var foreignRead = await Assert.ThrowsAsync<IpsFaultException>(() =>
            Run<CompanySettings, Company>(s => s.GetAsync(admin, foreign.Handle, CancellationToken.None)));
        var unknownRead = await Assert.ThrowsAsync<IpsFaultException>(() =>
            Run<CompanySettings, Company>(s => s.GetAsync(admin, "c|999", CancellationToken.None)));
        var foreignChange = await Assert.ThrowsAsync<IpsFaultException>(() =>
            Run<CompanySettings, Company>(s => s.UpdateAsync(admin, foreign.Handle, new CompanyChange { AllVariants = true }, CancellationToken.None)));

        Assert.Equal(FaultCodes.InvalidCompany, foreignRead.Fault.Code);
        Assert.Equal(foreignRead.Fault.Code, unknownRead.Fault.Code);
        // A change to a foreign company is refused as unknown before the role is looked at: no oracle.
        Assert.Equal(foreignRead.Fault.Code, foreignChange.Fault.Code);

        var listed = await Run<CompanySettings, IReadOnlyList<Company>>(s => s.ListAsync(admin, CancellationToken.None));
        Assert.Equal([own.Id], listed.Select(c => c.Id));
    }

    [Fact]
    public async Task CompanyAdmin_MayNotManageUsers_IpsAdminMay()
    {
        var admin = CompanyAdminOf(own);

        var refused = await Assert.ThrowsAsync<IpsFaultException>(() =>
            Run<UserAccounts, User>(u => u.AddAsync(admin, "new@example.com", "long enough", Role.IpsUser, [], CancellationToken.None)));
        Assert.Equal(FaultCodes.NoOperationPermission, refused.Fault.Code);
        await Assert.ThrowsAsync<IpsFaultException>(() => Run<UserAccounts, IReadOnlyList<User>>(u => u.ListAsync(admin, CancellationToken.None)));

        var added = await Run<UserAccounts, User>(u => u.AddAsync(Caller.Operator("root"), " New@Example.com ", "long enough", Role.IpsCompanyAdmin, [own.Handle], CancellationToken.None));
        Assert.Equal("new@example.com", added.Email);
        var again = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            Run<UserAccounts, User>(u => u.AddAsync(Caller.Operator("root"), "new@example.com", "long enough", Role.IpsUser, [], CancellationToken.None)));
        Assert.Equal("email", again.Setting);
    }

    private static Caller CompanyAdminOf(Company company) =>
        new(new AuthenticatedUser(42, "admin@example.com", Role.IpsCompanyAdmin, new HashSet<int> { company.Id }), "tests", null, null);

    private async Task<TResult> Run<TService, TResult>(Func<TService, Task<TResult>> call)
        where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
