using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>The embedded SQLite store (the default); migrations under <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteIpsDbContext(DbContextOptions<SqliteIpsDbContext> options) : IpsDbContext(options);
