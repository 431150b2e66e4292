using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PurgeQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "company_id",
                table: "notification_batches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "done_providers",
                table: "notification_batches",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "receipts",
                table: "notification_batches",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "settles_at",
                table: "notification_batches",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "unfinished_claims",
                table: "notification_batches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "url_count",
                table: "notification_batches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_notification_batches_completed_at",
                table: "notification_batches",
                column: "completed_at");

            // Batches stored before this migration: their company from their request, their URL count once.
            migrationBuilder.Sql("UPDATE notification_batches SET company_id = (SELECT r.company_id FROM invalidation_requests r WHERE r.id = notification_batches.request_id), url_count = json_array_length(urls);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notification_batches_completed_at",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "done_providers",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "receipts",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "settles_at",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "unfinished_claims",
                table: "notification_batches");

            migrationBuilder.DropColumn(
                name: "url_count",
                table: "notification_batches");
        }
    }
}
