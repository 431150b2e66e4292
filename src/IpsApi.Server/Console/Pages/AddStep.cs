namespace IpsApi.Server.WebConsole.Pages;

/// <summary>Where the Add invalidation form is: entering scope and URLs, or confirming what will be submitted.</summary>
public enum AddStep
{
    Enter,
    ConfirmUrls,
    ConfirmAll,
}
