using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vitrine.Data.Migrations
{
    /// <inheritdoc />
    public partial class SearchSuggestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Typo-tolerant suggestions when a full-text search finds nothing: trigram similarity on product names.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("CREATE INDEX idx_products_name_trgm ON products USING GIN (name gin_trgm_ops);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_products_name_trgm;");
        }
    }
}
