using Microsoft.EntityFrameworkCore;
using Vitrine.Data.Model;

namespace Vitrine.Data;

public sealed class VitrineDbContext(DbContextOptions<VitrineDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<Category> Categories => Set<Category>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderItem> OrderItems => Set<OrderItem>();

    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("citext");

        modelBuilder.Entity<User>(user =>
        {
            user.Property(u => u.Email).HasColumnType("citext").HasMaxLength(254);
            user.Property(u => u.Name).HasMaxLength(200);
            user.Property(u => u.PasswordHash).HasMaxLength(100);
            user.Property(u => u.Role).HasMaxLength(20);
            user.Property(u => u.Status).HasMaxLength(20);
            user.HasIndex(u => u.Email).IsUnique();
            // The seed's indexes: users(email, status) and the partial index of active users.
            user.HasIndex(u => new { u.Email, u.Status }).HasDatabaseName("idx_users_email_status");
            user.HasIndex(u => u.Id).HasFilter("status = 'active'").HasDatabaseName("idx_active_users");
            user.ToTable(t => t.HasCheckConstraint("ck_users_role", "role IN ('customer', 'admin')"));
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasIndex(t => t.ExpiresAt);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Category>(category =>
        {
            category.Property(c => c.Slug).HasMaxLength(80);
            category.Property(c => c.Name).HasMaxLength(120);
            category.HasIndex(c => c.Slug).IsUnique();
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(4000);
            product.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            product.Property(p => p.ImageKey).HasMaxLength(200);
            product.Property(p => p.Version).IsRowVersion();
            product.HasOne(p => p.Category).WithMany().HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.Restrict);
            product.HasIndex(p => p.CategoryId);
            product.HasIndex(p => p.PriceCents);
            product.HasIndex(p => p.CreatedAt);
            // The seed's full-text index, as a stored generated column so queries use the GIN index as is.
            product.HasGeneratedTsVectorColumn(p => p.SearchVector, "english", p => new { p.Name, p.Description })
                .HasIndex(p => p.SearchVector)
                .HasMethod("GIN")
                .HasDatabaseName("idx_products_search");
            product.ToTable(t =>
            {
                t.HasCheckConstraint("ck_products_stock", "stock >= 0");
                t.HasCheckConstraint("ck_products_price", "price_cents >= 0");
            });
        });

        modelBuilder.Entity<Order>(order =>
        {
            // Partitioned by month (see the migration): PostgreSQL needs the partition key in the primary key.
            order.HasKey(o => new { o.Id, o.CreatedAt });
            order.Property(o => o.Id).HasDefaultValueSql("nextval('orders_id_seq')").ValueGeneratedOnAdd();
            order.Property(o => o.Status).HasMaxLength(20);
            order.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
            order.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Restrict);
            order.HasMany(o => o.Items).WithOne().HasForeignKey(i => new { i.OrderId, i.OrderCreatedAt }).OnDelete(DeleteBehavior.Cascade);
            order.HasIndex(o => new { o.UserId, o.CreatedAt }).IsDescending(false, true).HasDatabaseName("idx_orders_user_created");
            order.HasIndex(o => new { o.Status, o.CreatedAt });
            order.ToTable(t =>
            {
                t.HasCheckConstraint("ck_orders_total", "total_cents >= 0");
                t.HasCheckConstraint("ck_orders_status", "status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')");
            });
        });

        modelBuilder.Entity<OrderItem>(item =>
        {
            item.Property(i => i.Name).HasMaxLength(200);
            item.HasOne<Product>().WithMany().HasForeignKey(i => i.ProductId).OnDelete(DeleteBehavior.Restrict);
            item.HasIndex(i => i.ProductId);
            item.ToTable(t =>
            {
                t.HasCheckConstraint("ck_order_items_quantity", "quantity > 0");
                t.HasCheckConstraint("ck_order_items_price", "unit_price_cents >= 0");
            });
        });

        modelBuilder.Entity<IdempotencyKey>(key =>
        {
            key.HasKey(k => new { k.UserId, k.Key });
            key.Property(k => k.Key).HasMaxLength(255);
            key.Property(k => k.ResponseBody).HasColumnType("jsonb");
            key.HasIndex(k => k.ExpiresAt);
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox");
            message.Property(m => m.Type).HasMaxLength(100);
            message.Property(m => m.Payload).HasColumnType("jsonb");
            message.HasIndex(m => m.Id).HasFilter("processed_at IS NULL").HasDatabaseName("idx_outbox_unprocessed");
        });
    }
}
