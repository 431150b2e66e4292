using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <summary>
    /// No planner statistics for the URL arrays of <c>notification_batches</c>: no query filters on them, and
    /// gathering them made ANALYZE of the table take 929 ms instead of 266 ms at 146,000 batches of 100 URLs:
    /// work autovacuum does in the middle of the accepts. SQLite keeps no such statistics.
    /// </summary>
    public partial class UrlArraysWithoutStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE notification_batches ALTER COLUMN urls SET STATISTICS 0, ALTER COLUMN targets SET STATISTICS 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE notification_batches ALTER COLUMN urls SET STATISTICS -1, ALTER COLUMN targets SET STATISTICS -1");
        }
    }
}
