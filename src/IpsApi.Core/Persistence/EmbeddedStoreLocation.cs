namespace IpsApi.Core.Persistence;

/// <summary>
/// Where the embedded SQLite store lives when <c>ConnectionStrings:IpsApi</c> does not say: in the
/// user's data directory, so that every command finds the same store whatever directory it is run
/// from (a path relative to the working directory gave each directory a store of its own).
/// </summary>
public static class EmbeddedStoreLocation
{
    /// <summary>The store's file, e.g. <c>/home/u/.local/share/ipsapi/ipsapi.db</c>.</summary>
    /// <exception cref="ConfigurationException">No user data directory can be determined.</exception>
    public static string DefaultPath() =>
        Path.Combine(
            UserDataDirectory() ?? throw new ConfigurationException(
                $"the embedded store has no default location: {MissingDirectoryReason()}. "
                + $"Set ConnectionStrings:{DatabaseSettings.ConnectionStringName} (environment ConnectionStrings__{DatabaseSettings.ConnectionStringName}) "
                + "to the store to use, e.g. 'Data Source=/var/lib/ipsapi/ipsapi.db'."),
            "ipsapi",
            "ipsapi.db");

    private static string? UserDataDirectory()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            // %LOCALAPPDATA% on Windows; ~/Library/Application Support on macOS.
            var folder = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return folder.Length > 0 ? folder : null;
        }

        // The XDG base directories, read as Environment.GetFolderPath reads them, but without its
        // fallback when HOME is unset (the password database's home, or '/'): a directory nobody chose,
        // often unwritable or gone with the container. A relative XDG_DATA_HOME is invalid by the
        // specification and ignored.
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (Path.IsPathFullyQualified(dataHome ?? ""))
        {
            return dataHome;
        }

        var home = Environment.GetEnvironmentVariable("HOME");
        return Path.IsPathFullyQualified(home ?? "") ? Path.Combine(home!, ".local", "share") : null;
    }

    private static string MissingDirectoryReason() =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? "the user's local application data directory is unknown"
            : "neither HOME nor XDG_DATA_HOME is set to an absolute path";
}
