using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// A console page about one company of the caller's, picked from those the caller may see: the core decides which
/// (<see cref="CompanySettings"/>), and a company that is not the caller's is the same "not found" as one that
/// does not exist, whether it came from the picker, a typed address or an edited form.
/// </summary>
public abstract class CompanyPageModel(CompanySettings companies) : PageModel
{
    /// <summary>The companies of the picker.</summary>
    public IReadOnlyList<Company> Companies { get; private set; } = [];

    /// <summary>The company the page is about; null when it is not found.</summary>
    public Company? Company { get; private set; }

    /// <summary>The company asked for is not the caller's, or does not exist.</summary>
    public bool Missing { get; private set; }

    /// <summary>Loads the picker and <paramref name="company"/> (the first of the picker when none is given); false when it is not found.</summary>
    protected async Task<bool> LoadCompanyAsync(string? company, CancellationToken cancellationToken)
    {
        var caller = ConsoleCaller.From(HttpContext);
        Companies = await companies.ListAsync(caller, cancellationToken);
        company = string.IsNullOrEmpty(company) ? Companies.FirstOrDefault()?.Handle : company;
        try
        {
            Company = await companies.GetAsync(caller, company, cancellationToken);
            return true;
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return false;
        }
    }

    /// <summary>Shows <paramref name="changed"/>, the company as a change just left it.</summary>
    protected void ShowCompany(Company changed) => Company = changed;

    /// <summary>The page as "not found", with status 404.</summary>
    protected PageResult NotFoundPage()
    {
        Missing = true;
        Company = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
