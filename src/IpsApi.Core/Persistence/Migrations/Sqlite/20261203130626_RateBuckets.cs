using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RateBuckets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rate_buckets",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    tokens = table.Column<double>(type: "REAL", nullable: false),
                    capacity = table.Column<double>(type: "REAL", nullable: false),
                    refill_per_second = table.Column<double>(type: "REAL", nullable: false),
                    updated_at_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rate_buckets", x => x.name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rate_buckets");
        }
    }
}
