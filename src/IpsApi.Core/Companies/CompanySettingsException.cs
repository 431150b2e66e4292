namespace IpsApi.Core.Companies;

/// <summary>A change the company's state refuses as a whole (a root another company has, a callback re-keyed without a URL); the message says why.</summary>
public sealed class CompanySettingsException(string message) : Exception(message);
