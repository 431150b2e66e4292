namespace IpsApi.Core.Persistence;

public enum DatabaseProvider
{
    /// <summary>Embedded file database in the user's data directory; the default, no setup.</summary>
    Sqlite,

    /// <summary>PostgreSQL, the production store.</summary>
    Postgres,
}
