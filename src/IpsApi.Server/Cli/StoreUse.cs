namespace IpsApi.Server.Cli;

/// <summary>What an administrative command does with the store it is given.</summary>
internal enum StoreUse
{
    /// <summary>Writes: the embedded store is created or upgraded first, as <c>serve</c> does.</summary>
    Write,

    /// <summary>
    /// Only reads: a missing SQLite file is refused, not created, since a missing store usually means
    /// the wrong store (another <c>ConnectionStrings:IpsApi</c>, another user's data directory).
    /// </summary>
    Read,

    /// <summary>The command migrates the store itself (<c>migrate</c>).</summary>
    Migrate,
}
