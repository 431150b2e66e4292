using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>Sign in with an IPS user's email and password; one message for every refusal.</summary>
public sealed class SignInModel(ConsoleSignIn signIn) : PageModel
{
    /// <summary>The one answer to an unknown email, a wrong password, a locked name or address, and a role the console is not for.</summary>
    public const string RefusedMessage = "The email or password is not correct, or this account may not use the console.";

    public const string BusyMessage = "The server is busy checking other sign-ins; nothing was checked. Try again in a few seconds.";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await signIn.CheckAsync(Email, Password, HttpContext.Connection.RemoteIpAddress, cancellationToken);
        if (result.IsDropped)
        {
            HttpContext.Abort();
            return new EmptyResult();
        }

        if (result.User is { } user)
        {
            await ConsoleSession.SignInAsync(HttpContext, user);
            return LocalRedirect(Target());
        }

        Message = result.IsBusy ? BusyMessage : RefusedMessage;
        if (result.IsBusy)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "1";
        }

        Password = null;
        return Page();
    }

    /// <summary>Where a sign-in goes on: the console page it was asked from, never anywhere else.</summary>
    private string Target() =>
        ReturnUrl is { } url && Url.IsLocalUrl(url) && (url == IpsConsole.Path || url.StartsWith(IpsConsole.Path + "/", StringComparison.Ordinal)
            || url.StartsWith(IpsConsole.Path + "?", StringComparison.Ordinal))
            ? url
            : IpsConsole.Path;
}
