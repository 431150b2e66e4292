using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IpsApi.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuthFailuresInFlight : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "in_flight",
                table: "auth_failures",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "in_flight",
                table: "auth_failures");
        }
    }
}
