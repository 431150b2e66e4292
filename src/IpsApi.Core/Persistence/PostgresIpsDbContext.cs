using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Persistence;

/// <summary>The PostgreSQL store (production); migrations under <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresIpsDbContext(DbContextOptions<PostgresIpsDbContext> options) : IpsDbContext(options);
