namespace IpsApi.Core.Persistence;

public enum DatabaseProvider
{
    /// <summary>Embedded file database under <c>./data/</c>; the default, no setup.</summary>
    Sqlite,

    /// <summary>PostgreSQL, the production store.</summary>
    Postgres,
}
