package io.hadr4j.azure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.resourcemanager.sql.fluent.DatabasesClient;
import com.azure.resourcemanager.sql.fluent.models.DatabaseInner;
import com.azure.resourcemanager.sql.models.CreateMode;
import com.azure.resourcemanager.sql.models.DatabaseStatus;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.backup.Backup;
import io.hadr4j.core.backup.BackupException;
import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.Progress;
import io.hadr4j.core.backup.ProgressListener;
import io.hadr4j.core.backup.ProgressReporter;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoreWindow;
import io.hadr4j.core.backup.RestoredDatabase;
import io.hadr4j.core.backup.VerificationResult;

/**
 * Azure SQL Database point-in-time restore behind {@link BackupService}, through azure-resourcemanager-sql.
 *
 * <ul>
 *   <li>{@link #restoreWindow()}: from the source's {@code earliestRestoreDate} to now minus
 *       {@link AzureSqlBackupConfig#latestRestorableDelay()} (default 10 minutes: Azure restores from its log backups,
 *       taken every 5 to 10 minutes, so the newest instant it can reach lags behind now). {@link #achievableRpo()} is
 *       that delay.</li>
 *   <li>{@link #takeBackup} is unsupported: Azure SQL backs up by itself (full, differential and log backups).</li>
 *   <li>{@link #restore}: a <em>new</em> database on the source's server ({@code PUT .../databases/{target}} with
 *       {@code createMode: PointInTimeRestore}, {@code sourceDatabaseId}, {@code restorePointInTime}), waited for
 *       within the request's timeout and read back until it is {@code Online}. A log position, a reserved or the
 *       source's own name, and a time in the future or newer than the latest restorable instant are refused before
 *       any request; a time before the window (one read) and a target that exists (one more read) before anything is
 *       created. A restore that fails part-way, or ends without an online database, deletes what it created.</li>
 *   <li>{@link #capture}/{@link #verify}: row counts ({@code COUNT_BIG(*)}), checksums
 *       ({@code CHECKSUM_AGG(BINARY_CHECKSUM(*))}, an order-independent XOR-style checksum of each row's bytes: two
 *       identical rows cancel out, and columns of type text, ntext, image, xml and cursor are left out) and queries.
 *       The capture is one statement, so on Azure SQL (read committed snapshot) every table is read as of one instant.</li>
 * </ul>
 */
public final class AzureSqlBackupService implements BackupService {

    private static final Logger LOG = LoggerFactory.getLogger(AzureSqlBackupService.class);
    /** Names Azure SQL keeps for itself. */
    private static final Set<String> RESERVED = Set.of("master", "tempdb", "model", "msdb");

    /** How long {@link #restoreWindow()} reuses the source's earliestRestoreDate (it moves once a day or so). */
    static final Duration WINDOW_CACHE = Duration.ofMinutes(1);

    private final AzureSqlBackupConfig config;
    private volatile DatabaseInner sourceSeen;  // for restoreWindow() only; restore() always reads the source again
    private volatile Instant sourceSeenAt;

    public AzureSqlBackupService(AzureSqlBackupConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public AzureSqlBackupConfig config() {
        return config;
    }

    /**
     * Reads the source's earliestRestoreDate at most once a minute, so that a caller
     * waiting for the window to reach an instant does not flood Resource Manager; the latest end is computed from now.
     *
     * @throws IllegalStateException when the source database does not exist or has nothing restorable yet
     * @throws BackupException       when Resource Manager does not answer, or answers with an error
     */
    @Override
    public RestoreWindow restoreWindow() {
        DatabaseInner seen = sourceSeen;
        Instant at = sourceSeenAt;
        Instant now = config.clock().instant();
        if (seen == null || at == null || !now.isBefore(at.plus(WINDOW_CACHE))) {
            seen = source();
            sourceSeen = seen;
            sourceSeenAt = now;
        }
        return window(seen);
    }


    /** {@link AzureSqlBackupConfig#latestRestorableDelay()}: how far behind now the latest restorable instant is. */
    @Override
    public Duration achievableRpo() {
        return config.latestRestorableDelay();
    }

    /** Always throws: Azure SQL takes its backups by itself. */
    @Override
    public Backup takeBackup(ProgressListener listener) {
        throw new UnsupportedOperationException("Azure SQL Database backs up by itself (full, differential and log backups, the log every "
                + "5 to 10 minutes): there is no backup to start. Restore to any instant of restoreWindow() instead");
    }

    /** Empty: Azure SQL's automatic backups are not listed one by one; {@link #restoreWindow()} is what they allow. */
    @Override
    public List<Backup> listBackups() {
        return List.of();
    }

    @Override
    public RestoredDatabase restore(RestoreRequest request) {
        Objects.requireNonNull(request, "request");
        Instant deadline = Instant.now().plus(request.timeout());
        Instant point = checkLocally(request);
        String target = request.targetName();
        DatabaseInner source = source(request);
        sourceSeen = source;
        sourceSeenAt = config.clock().instant();
        RestoreWindow window;
        try {
            window = window(source);
        } catch (IllegalStateException e) { // nothing restorable yet
            throw new IllegalArgumentException("cannot restore " + target + ": " + e.getMessage(), e);
        }
        if (!window.contains(point)) {
            throw new IllegalArgumentException("restore point " + point + " is outside the restore window " + window + " of " + describeSource()
                    + "; choose a time in it");
        }
        if (exists(target)) {
            throw new IllegalArgumentException("restore target '" + target + "' already exists on server " + config.server()
                    + "; choose another targetName, or drop the restored database that uses it");
        }

        ProgressReporter progress = new ProgressReporter(LOG, request.progressListener(), Progress.Operation.RESTORE, target);
        DatabaseInner body = new DatabaseInner().withLocation(source.location()).withCreateMode(CreateMode.POINT_IN_TIME_RESTORE)
                .withSourceDatabaseId(source.id()).withRestorePointInTime(OffsetDateTime.ofInstant(point, ZoneOffset.UTC));
        progress.report("requested", 0, -1);
        LOG.info("restore {}: {} as it was at {}, into a new database on {}", target, describeSource(), point, config.server());
        try {
            Duration left = Duration.between(Instant.now(), deadline);
            ArmCalls.await(databases().createOrUpdateAsync(config.resourceGroup(), config.server(), target, body),
                    left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
            DatabaseInner created = read(target); // the SDK does not check its final GET: read the database itself
            if (created == null || created.status() == null || !DatabaseStatus.ONLINE.equals(created.status())) {
                throw new IllegalStateException("Azure reported the restore done, but database '" + target + "' is "
                        + (created == null ? "not there" : "in status " + created.status()));
            }
            progress.report("done", 1, 1);
            LOG.info("restore {} done: {} holds {} as at {}", target, config.jdbcUrl(target), config.database(), point);
            return new Restored(target, point.toString());
        } catch (TimeoutException | RuntimeException e) {
            String why = e instanceof IllegalStateException || e instanceof BackupException ? e.getMessage()
                    : ArmCalls.describe(e, request.timeout());
            String cleanup = deleteQuietly(target);
            throw new BackupException("restore " + target + " of " + describeSource() + " to " + point + " failed: " + why + "; "
                    + cleanup + "; the source was not touched", e);
        }
    }

    /** Row count and checksum of each table, in one statement (one instant on Azure SQL), and the database's UTC time. */
    @Override
    public Expectations capture(DataSource database, Collection<String> tables) {
        if (tables == null || tables.isEmpty()) throw new IllegalArgumentException("capture needs at least one table name");
        StringBuilder sql = new StringBuilder("SELECT CONVERT(VARCHAR(33), SYSUTCDATETIME(), 126)");
        for (String table : tables) {
            String t = quote(table);
            sql.append(", (SELECT COUNT_BIG(*) FROM ").append(t).append("), (").append(checksumQuery(t)).append(")");
        }
        Expectations.Builder b = Expectations.builder();
        try (Connection c = database.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            if (!rs.next()) throw new SQLException("the capture query returned no row");
            b.capturedAt(LocalDateTime.parse(rs.getString(1)).toInstant(ZoneOffset.UTC));
            int column = 2;
            for (String table : tables) {
                long rows = rs.getLong(column++);
                String checksum = rs.getString(column++);
                b.rowCount(table, rows).checksum(table, checksum == null ? "0" : checksum);
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new BackupException("could not capture " + tables + ": " + Secrets.safeMessage(e), e);
        }
        return b.build();
    }

    @Override
    public VerificationResult verify(RestoredDatabase restored, Expectations expected) {
        try (Connection c = restored.connect()) {
            VerificationResult result = expected.check(e -> {
                try {
                    return switch (e.kind()) {
                        case ROW_COUNT -> queryForString(c, "SELECT COUNT_BIG(*) FROM " + quote(e.subject()));
                        case CHECKSUM -> {
                            String v = queryForString(c, checksumQuery(quote(e.subject())));
                            yield v == null ? "0" : v;
                        }
                        case QUERY -> queryForString(c, e.subject());
                    };
                } catch (SQLException ex) {
                    throw new IllegalStateException(Secrets.safeMessage(ex), ex);
                }
            });
            LOG.info("verification of {}: {}", restored.name(), result);
            return result;
        } catch (SQLException e) {
            throw new BackupException("could not connect to " + restored + " to verify it: " + Secrets.safeMessage(e), e);
        }
    }

    @Override
    public String toString() {
        return "AzureSqlBackupService{" + describeSource() + "}";
    }

    // --------------------------------------------------------------------------------------------- checks

    /** What can be refused without asking Azure; returns the point in time. */
    private Instant checkLocally(RestoreRequest request) {
        if (request.logPosition().isPresent()) {
            throw new IllegalArgumentException("Azure SQL restores to a point in time, not to a log position ('" + request.logPosition().get()
                    + "'): use pointInTime(...) within restoreWindow()");
        }
        String target = request.targetName();
        if (RESERVED.contains(target)) {
            throw new IllegalArgumentException("restore target '" + target + "' is a name Azure SQL keeps for itself (" + RESERVED
                    + "): choose another targetName, for example '" + config.database().toLowerCase(Locale.ROOT) + "-restore-1'");
        }
        if (target.equalsIgnoreCase(config.database())) {
            throw new IllegalArgumentException("restore target '" + target + "' is the source database itself; a restore creates a new "
                    + "database: choose another targetName, for example '" + target + "-restore-1'");
        }
        Instant point = request.pointInTime().orElseThrow();
        Instant now = config.clock().instant();
        Instant latest = now.minus(config.latestRestorableDelay());
        if (point.isAfter(now)) {
            throw new IllegalArgumentException("restore point " + point + " is in the future (now is " + now + "); the latest restorable "
                    + "instant is " + latest + ": choose a time at or before it");
        }
        if (point.isAfter(latest)) {
            throw new IllegalArgumentException("restore point " + point + " is newer than the latest restorable instant " + latest + " (now - "
                    + config.latestRestorableDelay().toMinutes() + " min: Azure SQL restores from its log backups, taken every 5 to 10 minutes); "
                    + "choose a time at or before it, or wait");
        }
        return point;
    }

    private RestoreWindow window(DatabaseInner source) {
        OffsetDateTime earliest = source.earliestRestoreDate();
        if (earliest == null) {
            throw new IllegalStateException("nothing is restorable yet: " + describeSource() + " reports no earliestRestoreDate (its first "
                    + "backup has not completed); try again later");
        }
        Instant latest = config.clock().instant().minus(config.latestRestorableDelay());
        if (latest.isBefore(earliest.toInstant())) {
            throw new IllegalStateException("nothing is restorable yet: " + describeSource() + " can be restored from " + earliest.toInstant()
                    + ", and the latest restorable instant is " + latest + " (now - " + config.latestRestorableDelay().toMinutes() + " min)");
        }
        return new RestoreWindow(earliest.toInstant(), latest);
    }

    // --------------------------------------------------------------------------------------------- Resource Manager

    private DatabasesClient databases() {
        return config.manager().serviceClient().getDatabases();
    }

    /** The source database; an IllegalStateException when it does not exist, a BackupException when ARM fails. */
    private DatabaseInner source() {
        DatabaseInner d = read(config.database());
        if (d == null) throw new IllegalStateException(describeSource() + " does not exist: check resourceGroup, server and database");
        return d;
    }

    private DatabaseInner source(RestoreRequest request) {
        try {
            return source();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("cannot restore " + request.targetName() + ": " + e.getMessage(), e);
        }
    }

    private boolean exists(String name) {
        return read(name) != null;
    }

    /** {@code GET .../databases/{name}}: the database, or null when Azure answers 404. */
    private DatabaseInner read(String name) {
        try {
            return ArmCalls.await(databases().getAsync(config.resourceGroup(), config.server(), name), config.requestTimeout());
        } catch (TimeoutException | RuntimeException e) {
            if (ArmCalls.notFound(e)) return null;
            throw new BackupException("could not read database '" + name + "' on server " + config.server() + " (resource group "
                    + config.resourceGroup() + "): " + ArmCalls.describe(e, config.requestTimeout()), e);
        }
    }

    /** Deletes {@code name} ({@code DELETE .../databases/{name}}, waited for); says what happened, never throws. */
    private String deleteQuietly(String name) {
        try {
            delete(name);
            return "the database '" + name + "' it created was deleted";
        } catch (BackupException e) {
            LOG.warn("{}", e.getMessage());
            return "deleting the database '" + name + "' it may have created failed too (" + e.getMessage() + "): delete it with "
                    + "'az sql db delete -g " + config.resourceGroup() + " -s " + config.server() + " -n " + name + "'";
        }
    }

    private void delete(String name) {
        try {
            ArmCalls.await(databases().deleteAsync(config.resourceGroup(), config.server(), name), config.cleanupTimeout());
            LOG.info("deleted database {} on {}", name, config.server());
        } catch (TimeoutException | RuntimeException e) {
            if (ArmCalls.notFound(e)) return; // nothing there: nothing to delete
            throw new BackupException("deleting database '" + name + "' on server " + config.server() + " failed: "
                    + ArmCalls.describe(e, config.cleanupTimeout()), e);
        }
    }

    private String describeSource() {
        return "database '" + config.database() + "' on server " + config.server() + " (resource group " + config.resourceGroup() + ")";
    }

    // --------------------------------------------------------------------------------------------- SQL

    /** {@code [schema].[name]} of a plain table name ({@link Expectations#checkTableName}). */
    static String quote(String table) {
        Expectations.checkTableName(table);
        List<String> parts = new ArrayList<>();
        for (String p : table.split("\\.")) parts.add("[" + p + "]");
        return String.join(".", parts);
    }

    static String checksumQuery(String quotedTable) {
        return "SELECT ISNULL(CHECKSUM_AGG(BINARY_CHECKSUM(*)), 0) FROM " + quotedTable;
    }

    private static String queryForString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A database this service restored; {@link #drop()} deletes it. */
    private final class Restored implements RestoredDatabase {
        private final String name;
        private final String restorePoint;
        private final AtomicBoolean dropped = new AtomicBoolean();

        Restored(String name, String restorePoint) {
            this.name = name;
            this.restorePoint = restorePoint;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String restorePoint() {
            return restorePoint;
        }

        @Override
        public String jdbcUrl() {
            return config.jdbcUrl(name);
        }

        @Override
        public String user() {
            return config.connector().user();
        }

        @Override
        public Connection connect() throws SQLException {
            return config.connector().connect(jdbcUrl());
        }

        /** Deletes the database on Azure (waited for); idempotent. */
        @Override
        public void drop() {
            if (dropped.compareAndSet(false, true)) {
                try {
                    delete(name);
                } catch (BackupException e) {
                    dropped.set(false);
                    throw e;
                }
            }
        }

        @Override
        public String toString() {
            return "AzureRestoredDatabase{" + name + " on " + config.server() + " at " + restorePoint + "}";
        }
    }
}
