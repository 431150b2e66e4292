namespace IpsApi.Core.Users;

/// <summary>The IPS user roles (spec §4).</summary>
public enum Role
{
    IpsAdmin,
    IpsCompanyAdmin,
    IpsUser,
    WebServiceUser,
    TrialSiteAdmin,
    TrialSiteUser,
    ImagePortalAdmin,
    ImagePortalUser,
    ImagePortalContrib,
    ImagePortalContribUser,
}
