using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InvalidationLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_invalidation_requests_company_id",
                table: "invalidation_requests");

            migrationBuilder.AlterColumn<int>(
                name: "user_id",
                table: "invalidation_requests",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "invalidation_requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "manual");

            migrationBuilder.AddColumn<int>(
                name: "open_batches",
                table: "invalidation_requests",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "scope",
                table: "invalidation_requests",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "urls");

            migrationBuilder.AddColumn<string>(
                name: "submitted_by",
                table: "invalidation_requests",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<List<int>>(
                name: "akamai_cp_codes",
                table: "companies",
                type: "integer[]",
                nullable: false,
                defaultValue: new List<int>());

            migrationBuilder.AddColumn<bool>(
                name: "all_variants",
                table: "companies",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "callback_secret",
                table: "companies",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "callback_url",
                table: "companies",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "fastly_service_id",
                table: "companies",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "fastly_surrogate_key",
                table: "companies",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "invalidation_enabled",
                table: "companies",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "requests_per_minute",
                table: "companies",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "urls_per_hour",
                table: "companies",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<int>(
                name: "user_id",
                table: "audit_records",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            // Requests stored before this migration: who asked, and how many of their batches are still open.
            migrationBuilder.Sql("""
                UPDATE invalidation_requests
                SET submitted_by = COALESCE((SELECT u.email FROM users AS u WHERE u.id = invalidation_requests.user_id), ''),
                    open_batches = (SELECT COUNT(*) FROM notification_batches AS b
                                    WHERE b.request_id = invalidation_requests.id
                                      AND b.status NOT IN ('Done', 'ERROR', 'ERROR_CDN_NODE'))
                """);

            migrationBuilder.CreateIndex(
                name: "IX_invalidation_requests_company_id_created_at",
                table: "invalidation_requests",
                columns: new[] { "company_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_invalidation_requests_created_at",
                table: "invalidation_requests",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_invalidation_requests_company_id_created_at",
                table: "invalidation_requests");

            migrationBuilder.DropIndex(
                name: "IX_invalidation_requests_created_at",
                table: "invalidation_requests");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "invalidation_requests");

            migrationBuilder.DropColumn(
                name: "open_batches",
                table: "invalidation_requests");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "invalidation_requests");

            migrationBuilder.DropColumn(
                name: "submitted_by",
                table: "invalidation_requests");

            migrationBuilder.DropColumn(
                name: "akamai_cp_codes",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "all_variants",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "callback_secret",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "callback_url",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "fastly_service_id",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "fastly_surrogate_key",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "invalidation_enabled",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "requests_per_minute",
                table: "companies");

            migrationBuilder.DropColumn(
                name: "urls_per_hour",
                table: "companies");

            migrationBuilder.AlterColumn<int>(
                name: "user_id",
                table: "invalidation_requests",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "user_id",
                table: "audit_records",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_invalidation_requests_company_id",
                table: "invalidation_requests",
                column: "company_id");
        }
    }
}
