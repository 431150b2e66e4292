using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditOutlivesRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_audit_records_invalidation_requests_request_id",
                table: "audit_records");

            migrationBuilder.AlterColumn<long>(
                name: "request_id",
                table: "audit_records",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<int>(
                name: "company_id",
                table: "audit_records",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "handle",
                table: "audit_records",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "url_count",
                table: "audit_records",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_jobs_completed_at",
                table: "jobs",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_one_waiting_retention",
                table: "jobs",
                column: "kind",
                unique: true,
                filter: "kind = 'retention' AND status = 'Pending' AND lease_token IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_records_at",
                table: "audit_records",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "IX_audit_records_company_id_at",
                table: "audit_records",
                columns: new[] { "company_id", "at" });

            migrationBuilder.AddForeignKey(
                name: "FK_audit_records_invalidation_requests_request_id",
                table: "audit_records",
                column: "request_id",
                principalTable: "invalidation_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            // Existing audit rows take their request's company and URL count, so that they read the same once the
            // request is deleted.
            migrationBuilder.Sql("""
                UPDATE audit_records
                SET company_id = (SELECT r.company_id FROM invalidation_requests r WHERE r.id = audit_records.request_id),
                    url_count = (SELECT r.url_count FROM invalidation_requests r WHERE r.id = audit_records.request_id)
                WHERE request_id IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Before this migration every audit row had its request.
            migrationBuilder.Sql("DELETE FROM audit_records WHERE request_id IS NULL;");

            migrationBuilder.DropForeignKey(
                name: "FK_audit_records_invalidation_requests_request_id",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "IX_jobs_completed_at",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_one_waiting_retention",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "IX_audit_records_at",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "IX_audit_records_company_id_at",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "handle",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "url_count",
                table: "audit_records");

            migrationBuilder.AlterColumn<long>(
                name: "request_id",
                table: "audit_records",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_audit_records_invalidation_requests_request_id",
                table: "audit_records",
                column: "request_id",
                principalTable: "invalidation_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
