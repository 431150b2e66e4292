// Adds a migration to both providers' migration sets, as `dotnet ef migrations add NAME` would:
//   dotnet run --project tools/IpsApi.MigrationScaffolder -- NAME
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;

#pragma warning disable EF1001 // the providers' design-time services are internal API; this tool is what dotnet-ef does with them

if (args.Length != 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: IpsApi.MigrationScaffolder NAME   (adds migration NAME for PostgreSQL and SQLite)");
    return 2;
}

var coreDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/IpsApi.Core"));
Scaffold(
    new PostgresIpsDbContext(new DbContextOptionsBuilder<PostgresIpsDbContext>().UseNpgsql("Host=unused").Options),
    new Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal.NpgsqlDesignTimeServices(),
    "Postgres");
Scaffold(
    new SqliteIpsDbContext(new DbContextOptionsBuilder<SqliteIpsDbContext>().UseSqlite("Data Source=:memory:").Options),
    new Microsoft.EntityFrameworkCore.Sqlite.Design.Internal.SqliteDesignTimeServices(),
    "Sqlite");
return 0;

void Scaffold(IpsDbContext context, IDesignTimeServices providerServices, string provider)
{
    var services = new ServiceCollection();
    services.AddEntityFrameworkDesignTimeServices();
    services.AddDbContextDesignTimeServices(context);
    providerServices.ConfigureDesignTimeServices(services);
    using var provided = services.BuildServiceProvider();
    var scaffolder = provided.GetRequiredService<IMigrationsScaffolder>();
    var migration = scaffolder.ScaffoldMigration(args[0], "IpsApi.Core", $"Persistence.Migrations.{provider}", "C#");
    var files = scaffolder.Save(coreDir, migration, Path.Combine(coreDir, "Persistence", "Migrations", provider));
    Console.WriteLine($"{provider}: {files.MigrationFile}");
}
