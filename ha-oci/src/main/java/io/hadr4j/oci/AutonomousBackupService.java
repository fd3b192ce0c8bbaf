package io.hadr4j.oci;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.oracle.bmc.database.DatabaseClient;
import com.oracle.bmc.database.model.AutonomousDatabase;
import com.oracle.bmc.database.model.AutonomousDatabaseBackup;
import com.oracle.bmc.database.model.AutonomousDatabaseBackupSummary;
import com.oracle.bmc.database.model.AutonomousDatabaseConnectionStrings;
import com.oracle.bmc.database.model.AutonomousDatabaseSummary;
import com.oracle.bmc.database.model.CreateAutonomousDatabaseBackupDetails;
import com.oracle.bmc.database.model.CreateAutonomousDatabaseBase;
import com.oracle.bmc.database.model.CreateAutonomousDatabaseFromBackupTimestampDetails;
import com.oracle.bmc.database.requests.CreateAutonomousDatabaseBackupRequest;
import com.oracle.bmc.database.requests.CreateAutonomousDatabaseRequest;
import com.oracle.bmc.database.requests.DeleteAutonomousDatabaseRequest;
import com.oracle.bmc.database.requests.GetAutonomousDatabaseBackupRequest;
import com.oracle.bmc.database.requests.GetAutonomousDatabaseRequest;
import com.oracle.bmc.database.requests.ListAutonomousDatabaseBackupsRequest;
import com.oracle.bmc.database.requests.ListAutonomousDatabasesRequest;
import com.oracle.bmc.database.responses.CreateAutonomousDatabaseBackupResponse;
import com.oracle.bmc.database.responses.CreateAutonomousDatabaseResponse;
import com.oracle.bmc.database.responses.ListAutonomousDatabaseBackupsResponse;
import com.oracle.bmc.database.responses.ListAutonomousDatabasesResponse;
import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.workrequests.WorkRequestClient;

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
 * Backups and point-in-time restore of an OCI Autonomous Database, through the SDK's {@link DatabaseClient} and
 * {@link WorkRequestClient}.
 *
 * <ul>
 *   <li>{@link #restoreWindow()}: from the end of the oldest ACTIVE backup the API lists (and no earlier than the
 *       retention, {@code backupRetentionPeriodInDays}) to now: Autonomous Database backs its redo up continuously
 *       and restores to any point in its retention; it publishes no figure for how far its newest restorable instant
 *       trails, so {@link #achievableRpo()} is zero and a restore to an instant it cannot serve yet fails with its
 *       answer.</li>
 *   <li>{@link #takeBackup}: {@code createAutonomousDatabaseBackup}, waiting for its work request.</li>
 *   <li>{@link #restore}: a <em>new</em> database ({@code createAutonomousDatabase} with
 *       {@code source: BACKUP_FROM_TIMESTAMP}, {@code cloneType: FULL}, the source's compute and storage, the ADMIN
 *       password from a Vault secret); never the in-place {@code restoreAutonomousDatabase}. It waits for the work
 *       request and for AVAILABLE; a failure after the create terminates what was created. Requests that cannot be
 *       served fail before any call (a log position, a time in the future, a name that makes no database name) or
 *       after reading only (outside the window, a target name in use), with the window in the message.</li>
 *   <li>{@link #capture} and {@link #verify}: row counts and checksums over plain JDBC ({@link TableDigest}).</li>
 * </ul>
 */
public final class AutonomousBackupService implements BackupService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AutonomousBackupService.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** An Autonomous Database name: letters and digits, starting with a letter, at most 30 characters. */
    private static final int DB_NAME_MAX = 30;

    private final AutonomousBackupConfig config;
    private final DatabaseClient db;
    private final WorkRequestClient workRequests;

    public AutonomousBackupService(AutonomousBackupConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.db = config.connection().databaseClient();
        this.workRequests = config.connection().workRequestClient();
    }

    public AutonomousBackupConfig config() {
        return config;
    }

    @Override
    public RestoreWindow restoreWindow() {
        return window(source(), listBackups(), Instant.now());
    }

    /** The window from the source's retention and its backups, at {@code now}; a pure function. */
    static RestoreWindow window(AutonomousDatabase source, List<Backup> backups, Instant now) {
        if (backups.isEmpty()) {
            throw new IllegalStateException("nothing is restorable yet: OCI lists no ACTIVE backup of " + source.getId()
                    + "; Autonomous Database takes its first automatic backup after it is created, or take one with takeBackup()");
        }
        Instant earliest = backups.stream().map(Backup::stopTime).min(Comparator.naturalOrder()).orElseThrow();
        Integer days = source.getBackupRetentionPeriodInDays();
        if (days != null && days > 0) {
            Instant retained = now.minus(days, ChronoUnit.DAYS);
            if (retained.isAfter(earliest)) earliest = retained;
        }
        return new RestoreWindow(earliest.isAfter(now) ? now : earliest, now);
    }

    /** Zero: see the class comment (Autonomous Database publishes no figure for its redo backup's delay). */
    @Override
    public Duration achievableRpo() {
        restoreWindow(); // fails when nothing is restorable
        return Duration.ZERO;
    }

    @Override
    public Backup takeBackup(ProgressListener listener) {
        String name = "hadr4j-" + ID_TIME.format(Instant.now());
        String what = "backup " + name + " of " + config.autonomousDatabaseId();
        ProgressReporter progress = new ProgressReporter(LOG, listener, Progress.Operation.BACKUP, name);
        long deadline = System.nanoTime() + config.backupTimeout().toNanos();
        CreateAutonomousDatabaseBackupResponse created;
        try {
            created = db.createAutonomousDatabaseBackup(CreateAutonomousDatabaseBackupRequest.builder()
                    .createAutonomousDatabaseBackupDetails(CreateAutonomousDatabaseBackupDetails.builder()
                            .autonomousDatabaseId(config.autonomousDatabaseId()).displayName(name).build()).build());
        } catch (BmcException e) {
            throw new BackupException(OciException.of(what, e).getMessage(), e);
        }
        String id = created.getAutonomousDatabaseBackup().getId();
        progress.report("requested", 0, 100);
        try {
            if (created.getOpcWorkRequestId() != null) {
                WorkRequests.await(workRequests, created.getOpcWorkRequestId(), what, deadline, config.pollInterval(),
                        p -> progress.report("running", p, 100));
            }
            AutonomousDatabaseBackup b;
            while (true) {
                b = db.getAutonomousDatabaseBackup(GetAutonomousDatabaseBackupRequest.builder().autonomousDatabaseBackupId(id).build())
                        .getAutonomousDatabaseBackup();
                AutonomousDatabaseBackup.LifecycleState s = b.getLifecycleState();
                if (s == AutonomousDatabaseBackup.LifecycleState.Active) break;
                if (s == AutonomousDatabaseBackup.LifecycleState.Failed || s == AutonomousDatabaseBackup.LifecycleState.Deleted
                        || s == AutonomousDatabaseBackup.LifecycleState.Deleting) {
                    throw new OciException(what, what + ": the backup " + id + " is " + s.getValue() + ": " + b.getLifecycleDetails());
                }
                WorkRequests.sleepUntilNextPoll(what, deadline, config.pollInterval(), "backup " + id + " is " + (s == null ? "?" : s.getValue()));
            }
            Backup backup = new Backup(id, b.getTimeStarted().toInstant(), b.getTimeEnded().toInstant(), bytes(b.getDatabaseSizeInTBs()), "", "");
            progress.report("done", 100, 100);
            LOG.info("{}: done, restorable from {}", what, backup.stopTime());
            return backup;
        } catch (BmcException e) {
            throw new BackupException(OciException.of(what, e).getMessage(), e);
        } catch (OciException e) {
            throw new BackupException(e.getMessage(), e);
        }
    }

    @Override
    public List<Backup> listBackups() {
        List<Backup> out = new ArrayList<>();
        String page = null;
        do {
            ListAutonomousDatabaseBackupsResponse r;
            try {
                r = db.listAutonomousDatabaseBackups(ListAutonomousDatabaseBackupsRequest.builder()
                        .autonomousDatabaseId(config.autonomousDatabaseId())
                        .lifecycleState(AutonomousDatabaseBackupSummary.LifecycleState.Active).page(page).build());
            } catch (BmcException e) {
                throw OciException.of("listing the backups of " + config.autonomousDatabaseId(), e);
            }
            for (AutonomousDatabaseBackupSummary s : r.getItems()) {
                if (s.getTimeStarted() == null || s.getTimeEnded() == null || Boolean.FALSE.equals(s.getIsRestorable())) continue;
                out.add(new Backup(s.getId(), s.getTimeStarted().toInstant(), s.getTimeEnded().toInstant(), bytes(s.getDatabaseSizeInTBs()), "", ""));
            }
            page = r.getOpcNextPage();
        } while (page != null);
        out.sort(Comparator.comparing(Backup::stopTime));
        return out;
    }

    @Override
    public AutonomousRestoredDatabase restore(RestoreRequest request) {
        // Checks that need no call.
        if (request.logPosition().isPresent()) {
            throw new IllegalArgumentException("Autonomous Database restores to a point in time, not to a log position ('"
                    + request.logPosition().get() + "'): set pointInTime(...) instead");
        }
        Instant at = request.pointInTime().orElseThrow();
        Instant now = Instant.now();
        if (at.isAfter(now)) {
            throw new IllegalArgumentException("cannot restore to " + at + ": it is in the future; the restore window ends now (" + now
                    + "); restoreWindow() gives the whole window");
        }
        String dbName = dbName(request.targetName());
        // Checks that read only.
        AutonomousDatabase source = source();
        RestoreWindow window = window(source, listBackups(), now);
        if (!window.contains(at)) {
            throw new IllegalArgumentException("cannot restore " + source.getId() + " to " + at + ": outside the restore window " + window
                    + "; pick an instant inside it");
        }
        String compartment = config.compartmentId() != null ? config.compartmentId() : source.getCompartmentId();
        for (AutonomousDatabaseSummary existing : named(compartment, request.targetName())) {
            throw new IllegalArgumentException("a database named '" + request.targetName() + "' already exists in compartment " + compartment
                    + " (" + existing.getId() + ", " + existing.getLifecycleState().getValue() + "); choose another targetName");
        }
        String what = "restore of " + source.getId() + " to " + at + " into a new database '" + request.targetName() + "'";
        ProgressReporter progress = new ProgressReporter(LOG, request.progressListener(), Progress.Operation.RESTORE, request.targetName());
        long deadline = System.nanoTime() + request.timeout().toNanos();
        CreateAutonomousDatabaseFromBackupTimestampDetails.Builder details = CreateAutonomousDatabaseFromBackupTimestampDetails.builder()
                .compartmentId(compartment).displayName(request.targetName()).dbName(dbName)
                .autonomousDatabaseId(source.getId()).timestamp(Date.from(at))
                .cloneType(CreateAutonomousDatabaseFromBackupTimestampDetails.CloneType.Full)
                .secretId(config.adminPasswordSecretId());
        if (source.getComputeModel() != null) details.computeModel(CreateAutonomousDatabaseBase.ComputeModel.create(source.getComputeModel().getValue()));
        if (source.getComputeCount() != null) details.computeCount(source.getComputeCount());
        if (source.getDataStorageSizeInTBs() != null) details.dataStorageSizeInTBs(source.getDataStorageSizeInTBs());
        if (source.getDbWorkload() != null) details.dbWorkload(CreateAutonomousDatabaseBase.DbWorkload.create(source.getDbWorkload().getValue()));
        CreateAutonomousDatabaseResponse created;
        try {
            created = db.createAutonomousDatabase(CreateAutonomousDatabaseRequest.builder().createAutonomousDatabaseDetails(details.build()).build());
        } catch (BmcException e) {
            throw new BackupException(OciException.of(what, e).getMessage() + "; nothing was created", e);
        }
        String id = created.getAutonomousDatabase().getId();
        LOG.info("{}: creating {}", what, id);
        progress.report("provisioning", 0, 100);
        try {
            if (created.getOpcWorkRequestId() != null) {
                WorkRequests.await(workRequests, created.getOpcWorkRequestId(), what, deadline, config.pollInterval(),
                        p -> progress.report("provisioning", p, 100));
            }
            AutonomousDatabase restored;
            while (true) {
                restored = get(id, what);
                AutonomousDatabase.LifecycleState s = restored.getLifecycleState();
                if (s == AutonomousDatabase.LifecycleState.Available) break;
                if (s != AutonomousDatabase.LifecycleState.Provisioning && s != AutonomousDatabase.LifecycleState.RestoreInProgress
                        && s != AutonomousDatabase.LifecycleState.Updating) {
                    throw new OciException(what, what + ": the new database " + id + " is " + (s == null ? "in an unknown state" : s.getValue())
                            + (restored.getLifecycleDetails() == null ? "" : " (" + restored.getLifecycleDetails() + ")"));
                }
                WorkRequests.sleepUntilNextPoll(what, deadline, config.pollInterval(), "the new database " + id + " is " + s.getValue());
            }
            String url = jdbcUrl(restored, what);
            progress.report("done", 100, 100);
            LOG.info("{}: {} is AVAILABLE", what, id);
            return new AutonomousRestoredDatabase(this, request.targetName(), id, at.toString(), url);
        } catch (RuntimeException e) {
            String cause = e instanceof BmcException b ? OciException.of(what, b).getMessage() : Secrets.safeMessage(e);
            String cleanup;
            try {
                terminate(id, request.targetName());
                cleanup = "the new database " + id + " was terminated";
            } catch (RuntimeException t) {
                cleanup = "terminating the new database " + id + " failed too (" + Secrets.safeMessage(t) + "): terminate it yourself";
            }
            throw new BackupException(cause + "; " + cleanup, e);
        }
    }

    /** Terminates a database this service created, waiting for the work request (bounded). */
    void terminate(String id, String name) {
        String what = "terminating the restored database '" + name + "' (" + id + ")";
        try {
            String wr = db.deleteAutonomousDatabase(DeleteAutonomousDatabaseRequest.builder().autonomousDatabaseId(id).build()).getOpcWorkRequestId();
            LOG.info("{}: requested", what);
            if (wr != null) {
                WorkRequests.await(workRequests, wr, what, System.nanoTime() + config.terminateTimeout().toNanos(), config.pollInterval(), p -> { });
            }
        } catch (BmcException e) {
            if (e.getStatusCode() == 404) return; // already gone
            throw OciException.of(what, e);
        }
    }

    /** Every row count and checksum in one serializable (snapshot) transaction, with the database's clock at its start. */
    @Override
    public Expectations capture(DataSource database, Collection<String> tables) {
        if (tables == null || tables.isEmpty()) throw new IllegalArgumentException("capture needs at least one table name");
        tables.forEach(Expectations::checkTableName);
        Expectations.Builder b = Expectations.builder();
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TableDigest.clockQuery(c))) {
                rs.next();
                b.capturedAt(rs.getTimestamp(1).toInstant());
            }
            for (String table : tables) {
                String[] d = TableDigest.of(c, table);
                b.rowCount(table, Long.parseLong(d[0])).checksum(table, d[1]);
            }
            c.rollback();
        } catch (SQLException e) {
            throw new BackupException("could not capture " + tables + ": " + Secrets.safeMessage(e), e);
        }
        return b.build();
    }

    @Override
    public VerificationResult verify(RestoredDatabase restored, Expectations expected) {
        try (Connection c = restored.connect()) {
            c.setAutoCommit(true);
            VerificationResult result = expected.check(e -> {
                try {
                    return switch (e.kind()) {
                        case ROW_COUNT -> TableDigest.of(c, e.subject())[0];
                        case CHECKSUM -> TableDigest.of(c, e.subject())[1];
                        case QUERY -> firstValue(c, e.subject());
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

    private static String firstValue(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The database name for a target: its letters and digits, which must start with a letter and be at most 30. */
    static String dbName(String targetName) {
        String n = targetName.replace("-", "");
        if (n.isEmpty() || !Character.isLetter(n.charAt(0)) || n.length() > DB_NAME_MAX) {
            throw new IllegalArgumentException("targetName '" + targetName + "' makes the database name '" + n + "', which Autonomous Database "
                    + "refuses: without its '-' it must start with a letter and have at most " + DB_NAME_MAX + " letters and digits");
        }
        return n.toUpperCase(Locale.ROOT);
    }

    private AutonomousDatabase source() {
        return get(config.autonomousDatabaseId(), "reading the source database " + config.autonomousDatabaseId());
    }

    private AutonomousDatabase get(String id, String what) {
        try {
            return db.getAutonomousDatabase(GetAutonomousDatabaseRequest.builder().autonomousDatabaseId(id).build()).getAutonomousDatabase();
        } catch (BmcException e) {
            throw OciException.of(what, e);
        }
    }

    private List<AutonomousDatabaseSummary> named(String compartment, String displayName) {
        List<AutonomousDatabaseSummary> out = new ArrayList<>();
        String page = null;
        do {
            ListAutonomousDatabasesResponse r;
            try {
                r = db.listAutonomousDatabases(ListAutonomousDatabasesRequest.builder().compartmentId(compartment).displayName(displayName)
                        .page(page).build());
            } catch (BmcException e) {
                throw OciException.of("looking for a database named '" + displayName + "'", e);
            }
            for (AutonomousDatabaseSummary s : r.getItems()) {
                AutonomousDatabaseSummary.LifecycleState st = s.getLifecycleState();
                if (st != AutonomousDatabaseSummary.LifecycleState.Terminated && st != AutonomousDatabaseSummary.LifecycleState.Terminating) out.add(s);
            }
            page = r.getOpcNextPage();
        } while (page != null);
        return out;
    }

    private String jdbcUrl(AutonomousDatabase d, String what) {
        AutonomousDatabaseConnectionStrings cs = d.getConnectionStrings();
        String s = null;
        if (cs != null) {
            Map<String, String> all = cs.getAllConnectionStrings();
            if (all != null) s = all.get(AutonomousBackupConfig.key(config.profile()));
            if (s == null) {
                s = switch (config.profile()) {
                    case HIGH -> cs.getHigh();
                    case MEDIUM -> cs.getMedium();
                    case LOW -> cs.getLow();
                    default -> null;
                };
            }
        }
        if (s == null || s.isBlank()) {
            throw new OciException(what, what + ": the new database " + d.getId() + " has no " + config.profile() + " connection string");
        }
        return "jdbc:oracle:thin:@" + s;
    }

    private static long bytes(java.math.BigDecimal tb) {
        return tb == null ? -1 : tb.multiply(java.math.BigDecimal.valueOf(1L << 40)).longValue();
    }

    @Override
    public void close() {
        db.close();
        workRequests.close();
    }

    @Override
    public String toString() {
        return "AutonomousBackupService{" + config + "}";
    }
}
