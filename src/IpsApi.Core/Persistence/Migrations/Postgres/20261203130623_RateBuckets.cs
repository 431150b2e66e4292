using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
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
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    tokens = table.Column<double>(type: "double precision", nullable: false),
                    capacity = table.Column<double>(type: "double precision", nullable: false),
                    refill_per_second = table.Column<double>(type: "double precision", nullable: false),
                    updated_at_us = table.Column<long>(type: "bigint", nullable: false)
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
