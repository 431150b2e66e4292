namespace IpsApi.Core;

/// <summary>A setting is missing or wrong; the message names its key.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
