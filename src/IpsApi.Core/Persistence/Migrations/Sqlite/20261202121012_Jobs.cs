using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    company_id = table.Column<int>(type: "INTEGER", nullable: false),
                    request_id = table.Column<long>(type: "INTEGER", nullable: true),
                    batch_id = table.Column<long>(type: "INTEGER", nullable: true),
                    payload = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    unfinished_claims = table.Column<int>(type: "INTEGER", nullable: false),
                    lease_token = table.Column<Guid>(type: "TEXT", nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", nullable: true),
                    result = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.id);
                    table.ForeignKey(
                        name: "FK_jobs_invalidation_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "invalidation_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_request_id",
                table: "jobs",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_status_next_attempt_at",
                table: "jobs",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");
        }
    }
}
