using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Templates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "invalidation_template",
                table: "companies",
                type: "character varying(2500)",
                maxLength: 2500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "webhook_secret",
                table: "companies",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "hook_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    company_id = table.Column<int>(type: "integer", nullable: false),
                    body_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    request_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "FK_hook_deliveries_companies_company_id",
                        column: x => x.company_id,
                        principalTable: "companies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_hook_deliveries_invalidation_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "invalidation_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_hook_deliveries_company_id_body_hash",
                table: "hook_deliveries",
                columns: new[] { "company_id", "body_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_hook_deliveries_received_at",
                table: "hook_deliveries",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "IX_hook_deliveries_request_id",
                table: "hook_deliveries",
                column: "request_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hook_deliveries");

            migrationBuilder.DropColumn(
                name: "invalidation_template",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "webhook_secret",
                table: "companies");
        }
    }
}
