using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>Sign out: a POST with its antiforgery token ends the session; a GET changes nothing.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect(IpsConsole.Path);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuthentication.Scheme);
        return Redirect(IpsConsole.SignInPath);
    }
}
