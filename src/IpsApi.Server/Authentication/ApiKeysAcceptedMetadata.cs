namespace IpsApi.Server.Authentication;

/// <summary>Marks an endpoint of the JSON API: the only endpoints where a company's API key is a credential.</summary>
public sealed class ApiKeysAcceptedMetadata;
