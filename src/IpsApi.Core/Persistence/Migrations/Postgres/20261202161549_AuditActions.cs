using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "action",
                table: "audit_records",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "submit");

            migrationBuilder.AddColumn<string>(
                name: "detail",
                table: "audit_records",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "action",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "detail",
                table: "audit_records");
        }
    }
}
