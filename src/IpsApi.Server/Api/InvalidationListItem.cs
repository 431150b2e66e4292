using IpsApi.Core.InvalidationLog;

namespace IpsApi.Server.Api;

/// <summary>One line of a company's invalidation log.</summary>
public sealed record InvalidationListItem(
    string Handle, string Kind, string Scope, string Status, DateTimeOffset SubmittedAt, string SubmittedBy, int UrlCount)
{
    public static InvalidationListItem From(InvalidationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(summary.Handle, summary.Kind, ApiScopes.FromStored(summary.Scope), summary.Status, summary.SubmittedAt, summary.SubmittedBy, summary.UrlCount);
    }
}
