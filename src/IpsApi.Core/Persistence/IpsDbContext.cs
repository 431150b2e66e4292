using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace IpsApi.Core.Persistence;

/// <summary>
/// The store. <see cref="PostgresIpsDbContext"/> and <see cref="SqliteIpsDbContext"/> exist only
/// so that each provider has its own migrations; the model is this one. Tables and columns are
/// snake_case on both, so plain SQL reads the same on either.
/// </summary>
public abstract class IpsDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Company> Companies => Set<Company>();

    public DbSet<User> Users => Set<User>();

    public DbSet<InvalidationRequest> InvalidationRequests => Set<InvalidationRequest>();

    public DbSet<NotificationBatch> NotificationBatches => Set<NotificationBatch>();

    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<StoreProbe> StoreProbes => Set<StoreProbe>();

    public DbSet<Jobs.Job> Jobs => Set<Jobs.Job>();

    public DbSet<AuthFailure> AuthFailures => Set<AuthFailure>();

    public DbSet<Hooks.HookDelivery> HookDeliveries => Set<Hooks.HookDelivery>();

    public DbSet<Core.ApiKeys.ApiKey> ApiKeys => Set<Core.ApiKeys.ApiKey>();

    public DbSet<Purge.Budget.RateBucket> RateBuckets => Set<Purge.Budget.RateBucket>();

    /// <summary>
    /// The keys that protect the web console's session cookies and antiforgery tokens: in the store, so that every
    /// node reads and accepts the same ones, a restart keeps sessions, and nothing is written to the home directory.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Company>(company =>
        {
            company.ToTable("companies");
            company.Property(c => c.Name).HasMaxLength(200);
            company.Property(c => c.RootId).HasMaxLength(100);
            company.HasIndex(c => c.RootId).IsUnique();
            company.Ignore(c => c.Handle);
            company.Property(c => c.PublishHosts).Metadata.SetValueComparer(AppendOnly<List<string>>());
            company.Property(c => c.AkamaiCpCodes).Metadata.SetValueComparer(AppendOnly<List<int>>());
            company.Property(c => c.InvalidationEnabled).HasDefaultValue(true);
            company.Property(c => c.FastlyServiceId).HasMaxLength(100);
            company.Property(c => c.FastlySurrogateKey).HasMaxLength(200);
            company.Property(c => c.CallbackUrl).HasMaxLength(2048);
            company.Property(c => c.CallbackSecret).HasMaxLength(100);
            company.Property(c => c.InvalidationTemplate).HasMaxLength(Templates.InvalidationTemplate.MaxLength);
            company.Property(c => c.WebhookSecret).HasMaxLength(100);
        });

        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.Email).HasMaxLength(254);
            user.HasIndex(u => u.Email).IsUnique();
            user.Property(u => u.PasswordHash).HasMaxLength(200);
            user.Property(u => u.Role).HasConversion<string>().HasMaxLength(40);
            user.HasMany(u => u.Companies).WithMany().UsingEntity(
                "company_members",
                r => r.HasOne(typeof(Company)).WithMany().HasForeignKey("company_id").OnDelete(DeleteBehavior.Cascade),
                l => l.HasOne(typeof(User)).WithMany().HasForeignKey("user_id").OnDelete(DeleteBehavior.Cascade));
        });

        modelBuilder.Entity<InvalidationRequest>(request =>
        {
            request.ToTable("invalidation_requests");
            request.Property(r => r.Token).HasMaxLength(32);
            request.HasOne(r => r.Company).WithMany().HasForeignKey(r => r.CompanyId).OnDelete(DeleteBehavior.Restrict);
            request.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
            request.HasMany(r => r.Batches).WithOne().HasForeignKey(b => b.RequestId).OnDelete(DeleteBehavior.Cascade);
            // The usage rules count a company's recent requests, and the log lists them newest first, by this index.
            request.HasIndex(r => new { r.CompanyId, r.CreatedAt });
            request.HasIndex(r => r.CreatedAt);
            request.Property(r => r.SubmittedBy).HasMaxLength(254);
            request.Property(r => r.Kind).HasMaxLength(20).HasDefaultValue(InvalidationKinds.Manual);
            request.Property(r => r.Scope).HasMaxLength(10).HasDefaultValue(InvalidationScopes.Urls);
            request.Ignore(r => r.Handle);
            request.Property(r => r.EmailOthers).Metadata.SetValueComparer(AppendOnly<List<string>>());
        });

        modelBuilder.Entity<NotificationBatch>(batch =>
        {
            // List columns here are written once and replaced, never edited in place: compare them by
            // reference rather than snapshotting and comparing every string on each save (EF also
            // compiles a delegate per snapshot of a list, which a hot path cannot afford).
            batch.Property(b => b.Urls).Metadata.SetValueComparer(AppendOnly<List<string>>());
            batch.Property(b => b.Targets).Metadata.SetValueComparer(AppendOnly<List<string>>());
            batch.ToTable("notification_batches");
            batch.Property(b => b.Status).HasMaxLength(20);
            batch.Property(b => b.DoneProviders).Metadata.SetValueComparer(AppendOnly<List<string>>());
            batch.Property(b => b.FollowUps).Metadata.SetValueComparer(AppendOnly<List<string>>());
            batch.HasIndex(b => new { b.RequestId, b.Sequence }).IsUnique();
            batch.HasIndex(b => new { b.Status, b.NextAttemptAt });
            batch.HasIndex(b => b.CompletedAt);
        });

        modelBuilder.Entity<AuditRecord>(audit =>
        {
            audit.ToTable("audit_records");
            audit.Property(a => a.Action).HasMaxLength(20).HasDefaultValue(AuditActions.Submit);
            audit.Property(a => a.Detail).HasMaxLength(500);
            audit.Property(a => a.UserEmail).HasMaxLength(254);
            audit.Property(a => a.AppName).HasMaxLength(200);
            audit.Property(a => a.AppVersion).HasMaxLength(100);
            audit.Property(a => a.ClientAddress).HasMaxLength(64);
            audit.Property(a => a.Handle).HasMaxLength(80);
            // The audit outlives its request (Retention:AuditDays ≥ Retention:Days): deleting the request only unlinks it.
            audit.HasOne(a => a.Request).WithMany().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.SetNull);
            audit.HasIndex(a => a.RequestId);
            // ipsapi audit list reads newest first, by company or not; retention deletes by age.
            audit.HasIndex(a => a.At);
            audit.HasIndex(a => new { a.CompanyId, a.At });
        });

        modelBuilder.Entity<Jobs.Job>(job =>
        {
            job.ToTable("jobs");
            job.Property(j => j.Kind).HasMaxLength(40);
            job.Property(j => j.Status).HasMaxLength(20);
            job.HasIndex(j => new { j.Status, j.NextAttemptAt });
            job.HasIndex(j => j.RequestId);
            job.HasOne<InvalidationRequest>().WithMany().HasForeignKey(j => j.RequestId).OnDelete(DeleteBehavior.Cascade);
            job.HasIndex(j => j.CompletedAt);
            // At most one retention run waits to be claimed, however many nodes schedule one at once.
            job.HasIndex(j => j.Kind).IsUnique().HasDatabaseName("ix_jobs_one_waiting_retention")
                .HasFilter($"kind = '{Core.Jobs.FollowUpKinds.Retention}' AND status = '{Core.Jobs.JobStatus.Pending}' AND lease_token IS NULL");
        });

        modelBuilder.Entity<StoreProbe>(probe =>
        {
            probe.ToTable("store_probes");
            probe.Property(p => p.Id).ValueGeneratedNever();
            probe.HasData(new StoreProbe { Id = StoreProbe.RowId, ProbedAt = DateTimeOffset.UnixEpoch });
        });

        modelBuilder.Entity<AuthFailure>(failure =>
        {
            failure.ToTable("auth_failures");
            failure.HasKey(f => new { f.Kind, f.Key });
            failure.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
            failure.Property(f => f.Key).HasMaxLength(ThrottleKeys.MaxKeyLength);
            // Rows whose window has ended are deleted by this column.
            failure.HasIndex(f => f.WindowEndsAt);
        });

        modelBuilder.Entity<Core.ApiKeys.ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.Property(k => k.Name).HasMaxLength(Core.ApiKeys.ApiKeyRegistry.MaxNameLength);
            key.Property(k => k.Prefix).HasMaxLength(Core.ApiKeys.ApiKeySecret.PrefixLength);
            key.Property(k => k.SecretHash).HasMaxLength(64);
            // Every request with a key looks it up by its prefix.
            key.HasIndex(k => k.Prefix).IsUnique();
            key.HasIndex(k => k.CompanyId);
            key.HasOne(k => k.Company).WithMany().HasForeignKey(k => k.CompanyId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Hooks.HookDelivery>(delivery =>
        {
            delivery.ToTable("hook_deliveries");
            delivery.Property(d => d.BodyHash).HasMaxLength(64);
            // One delivery per body and company: of two identical deliveries at once, the second's insert fails
            // here, its request rolls back with it, and it answers with the first one's handle.
            delivery.HasIndex(d => new { d.CompanyId, d.BodyHash }).IsUnique();
            delivery.HasIndex(d => d.ReceivedAt);
            delivery.HasOne<Company>().WithMany().HasForeignKey(d => d.CompanyId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasOne(d => d.Request).WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        modelBuilder.Entity<Purge.Budget.RateBucket>(bucket =>
        {
            bucket.ToTable("rate_buckets");
            bucket.HasKey(b => b.Name);
            bucket.Property(b => b.Name).HasMaxLength(300);
            // Microseconds since the Unix epoch: the refill is computed in SQL, the same arithmetic on both stores.
            bucket.Property(b => b.UpdatedAt)
                .HasConversion(at => Purge.Budget.RateBudget.Microseconds(at), us => DateTimeOffset.UnixEpoch.AddTicks(us * 10))
                .HasColumnName("updated_at_us");
        });

        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            property.SetColumnName(SnakeCase(property.GetColumnName()));
        }
    }

    private static ValueComparer<T> AppendOnly<T>()
        where T : class =>
        new((a, b) => ReferenceEquals(a, b), v => RuntimeHelpers.GetHashCode(v), v => v);

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
