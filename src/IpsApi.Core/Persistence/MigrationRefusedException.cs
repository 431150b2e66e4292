namespace IpsApi.Core.Persistence;

/// <summary>The store holds data a pending migration cannot take; the message says what to change first.</summary>
public sealed class MigrationRefusedException(string message) : Exception(message);
