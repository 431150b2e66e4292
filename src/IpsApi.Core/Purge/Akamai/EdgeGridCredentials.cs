namespace IpsApi.Core.Purge.Akamai;

/// <summary>An Akamai API client's credentials (from its <c>.edgerc</c>); the secret never reaches a log.</summary>
public sealed record EdgeGridCredentials(string ClientToken, string AccessToken, string ClientSecret)
{
    public override string ToString() => $"EdgeGridCredentials {{ ClientToken = {ClientToken}, AccessToken = ***, ClientSecret = *** }}";
}
