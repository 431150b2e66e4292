using System.ComponentModel;
using System.Text.Json.Serialization;

namespace IpsApi.Server.Api;

/// <summary>IPS's <c>emailConfirmation</c>: mail the caller, and up to five further addresses, when the purge completes.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EmailConfirmationRequest
{
    [Description("Mail the calling user (an API key has no address: nothing is sent for it; list addresses in ccOthers).")]
    public bool CcOriginator { get; init; }

    [Description("Up to 5 further addresses.")]
    public IReadOnlyList<string?>? CcOthers { get; init; }
}
