using Microsoft.Playwright;

namespace IpsApi.Tests.Support;

/// <summary>A page of the console in a browser context of its own, with what the browser reported as errors.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly List<string> errors = [];

    public ConsolePage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text + (message.Location is { Length: > 0 } at ? " (" + at + ")" : ""));
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Console messages of type error (a CSP violation is one) and uncaught script errors, so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    public async Task SubmitSignInAsync(string email, string password)
    {
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        // The form posts and the browser navigates to the answer (the form again, or the page signed in to). Waiting
        // for the load state after the click could see the old document; a refusal comes back to the same address,
        // so there is no new URL to wait for either: this wait starts before the click and ends on the new document.
#pragma warning disable CS0612 // Obsolete in Playwright in favour of waiting for a URL, which a POST back to the same address does not change.
        await Page.RunAndWaitForNavigationAsync(
            () => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            new() { WaitUntil = WaitUntilState.DOMContentLoaded });
#pragma warning restore CS0612
    }

    /// <summary>The log table's row whose handle cell is <paramref name="handle"/>.</summary>
    public ILocator Row(string handle) =>
        Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByText(handle, new() { Exact = true }) });

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
