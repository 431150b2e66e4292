using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompanyRootsUniqueIgnoringCase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // URL paths match company roots ignoring case, so two roots that differ only in case would
            // share URLs. DatabaseMigrator refuses to start this migration while such a pair exists.
            // Not in the EF model: an index on an expression, written the same for both providers.
            migrationBuilder.Sql("CREATE UNIQUE INDEX ix_companies_root_id_lower ON companies (lower(root_id));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_companies_root_id_lower;");
        }
    }
}
