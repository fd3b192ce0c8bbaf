package io.hadr4j.postgres;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Point-in-time restore for PostgreSQL, real and local: base backups through the server's backup API
 * ({@code pg_backup_start}/{@code pg_backup_stop(wait_for_archive => true)} and a copy of the data
 * directory), the continuous WAL archive the source's {@code archive_command} fills, and restores into a
 * new data directory and port that recover to a time from the archive alone and are promoted.
 *
 * <p>The restore window runs from the <b>stop time of the oldest base backup</b> (the first instant a backup
 * is consistent at) to the <b>modification time of the newest archived WAL segment</b> (the newest WAL
 * that a restore can replay; or the stop time of the newest backup, when later: a backup is restorable
 * from the archive alone). {@link #achievableRpo()} is the time from that newest archived segment to now.
 * A request may name a log position (an LSN, as {@code pg_current_wal_lsn()} shows it) instead of a time:
 * the copy then holds everything before that position, which must lie between the stop LSN of the oldest
 * backup and the end of the newest archived segment.
 *
 * <p>A backup is taken as {@link PgBaseBackup} takes one, the copy made by {@link PgFiles}, and a restored server
 * runs as a {@link PgServer}: the same code the testkit's nodes run on.
 *
 * <p>Each backup is a directory {@code <backupDirectory>/<id>} holding {@code data/} (the copy, with its
 * {@code backup_label}) and {@code backup.properties} (id, start and stop time and LSN, size). Each
 * restore is a directory {@code <restoreDirectory>/<targetName>} with {@code data/} and {@code server.log};
 * the restored server listens on a free loopback port, does not archive (the source's archive stays the
 * source's), and keeps the source's roles and passwords. Restored files are given the owner of the
 * source's data directory; with {@link PostgresBackupConfig#commandPrefix()} the server runs as that user.
 */
public final class PostgresBackupService implements BackupService {
    private static final Logger log = LoggerFactory.getLogger(PostgresBackupService.class);
    private static final String MANIFEST = "backup.properties";
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

    private final PostgresBackupConfig config;

    public PostgresBackupService(PostgresBackupConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    public PostgresBackupConfig config() {
        return config;
    }

    /**
     * From the stop time of the oldest base backup to the modification time of the newest archived WAL
     * segment (or the newest backup's stop time, when later).
     *
     * @throws IllegalStateException when there is no base backup yet
     */
    @Override
    public RestoreWindow restoreWindow() {
        List<Backup> backups = listBackups();
        if (backups.isEmpty()) {
            throw new IllegalStateException("nothing is restorable yet: there is no base backup in " + config.backupDirectory()
                    + "; take one with takeBackup()");
        }
        Instant earliest = backups.stream().map(Backup::stopTime).min(Comparator.naturalOrder()).orElseThrow();
        Instant newestBackup = backups.stream().map(Backup::stopTime).max(Comparator.naturalOrder()).orElseThrow();
        Instant latest = newestArchivedSegment().filter(t -> t.isAfter(newestBackup)).orElse(newestBackup);
        return new RestoreWindow(earliest, latest);
    }

    /** The time between the newest archived WAL segment and now: what losing the source now would lose at most. */
    @Override
    public Duration achievableRpo() {
        Instant newest = newestArchivedSegment().orElseThrow(() -> new IllegalStateException("no WAL segment in the archive "
                + config.walArchive() + " yet: check the source's archive_mode and archive_command"));
        Duration rpo = Duration.between(newest, Instant.now());
        return rpo.isNegative() ? Duration.ZERO : rpo;
    }

    /** Closes the source's current WAL segment ({@code pg_switch_wal()}), so that the archive, and the window, reach now. */
    @Override
    public void archiveNow() {
        try (Connection c = config.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_switch_wal()");
        } catch (SQLException e) {
            throw new BackupException("could not switch the source's WAL segment (pg_switch_wal): " + e.getMessage(), e);
        }
    }

    private Optional<Instant> newestArchivedSegment() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.walArchive())) {
            Instant newest = null;
            for (Path f : files) {
                if (SEGMENT.matcher(f.getFileName().toString()).matches()) {
                    Instant t = Files.getLastModifiedTime(f).toInstant();
                    if (newest == null || t.isAfter(newest)) {
                        newest = t;
                    }
                }
            }
            return Optional.ofNullable(newest);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the WAL archive " + config.walArchive(), e);
        }
    }

    /**
     * A base backup now: {@code pg_backup_start} (with an immediate checkpoint), a copy of the data
     * directory, {@code pg_backup_stop} waiting until the WAL it needs is archived. A failed backup leaves
     * nothing behind.
     */
    @Override
    public Backup takeBackup(ProgressListener listener) {
        Instant now = Instant.now();
        String id = "base-" + ID_TIME.format(now);
        Path dir = config.backupDirectory().resolve(id);
        Path partial = config.backupDirectory().resolve(id + ".partial");
        ProgressReporter progress = new ProgressReporter(log, listener, Progress.Operation.BACKUP, id);
        try {
            Files.createDirectories(config.backupDirectory());
            Files.createDirectory(partial);
        } catch (IOException e) {
            throw new BackupException("could not create the backup directory " + partial + ": " + e.getMessage(), e);
        }
        try (Connection c = config.dataSource().getConnection()) {
            Properties m = new Properties();
            m.setProperty("id", id);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database(), "
                    + "(SELECT setting FROM pg_settings WHERE name = 'wal_segment_size')")) {
                rs.next();
                m.setProperty("database", rs.getString(1));
                m.setProperty("walSegmentBytes", rs.getString(2));
            }
            PgBaseBackup b = PgBaseBackup.take(c, "hadr4j " + id, config.dataDirectory(), partial.resolve("data"), true,
                    (done, total) -> progress.report("copy", done, total));
            m.setProperty("startLsn", b.startLsn());
            m.setProperty("startTime", b.startTime().toString());
            m.setProperty("stopLsn", b.stopLsn());
            m.setProperty("stopTime", b.stopTime().toString());
            long size = b.bytes();
            m.setProperty("sizeBytes", Long.toString(size));
            m.setProperty("ownerUid", String.valueOf(Files.getAttribute(config.dataDirectory(), "unix:uid")));
            m.setProperty("ownerGid", String.valueOf(Files.getAttribute(config.dataDirectory(), "unix:gid")));
            try (Writer w = Files.newBufferedWriter(partial.resolve(MANIFEST))) {
                m.store(w, "hadr4j base backup");
            }
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            Backup backup = toBackup(m);
            progress.report("done", size, size);
            log.info("base backup {} taken: {} MB, consistent at {} (LSN {})", id, size >> 20, backup.stopTime(), backup.stopPosition());
            return backup;
        } catch (SQLException | IOException | RuntimeException e) {
            PgFiles.deleteTree(partial); // closing the connection has ended the backup on the server
            throw new BackupException("base backup " + id + " of " + config.dataDirectory() + " failed: " + e.getMessage()
                    + "; nothing was kept", e);
        }
    }

    @Override
    public List<Backup> listBackups() {
        List<Backup> backups = new ArrayList<>();
        if (!Files.isDirectory(config.backupDirectory())) {
            return backups;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(config.backupDirectory())) {
            for (Path d : dirs) {
                if (Files.isRegularFile(d.resolve(MANIFEST))) {
                    backups.add(toBackup(manifest(d)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the backups in " + config.backupDirectory(), e);
        }
        backups.sort(Comparator.comparing(Backup::startTime));
        return backups;
    }

    private static Properties manifest(Path backupDir) {
        Properties m = new Properties();
        try (Reader r = Files.newBufferedReader(backupDir.resolve(MANIFEST))) {
            m.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + backupDir.resolve(MANIFEST), e);
        }
        return m;
    }

    private static Backup toBackup(Properties m) {
        return new Backup(m.getProperty("id"), Instant.parse(m.getProperty("startTime")), Instant.parse(m.getProperty("stopTime")),
                Long.parseLong(m.getProperty("sizeBytes")), m.getProperty("startLsn"), m.getProperty("stopLsn"));
    }

    /**
     * Checks the request, copies the newest base backup that is consistent before the point in time into
     * {@code <restoreDirectory>/<targetName>/data}, starts a server there that replays the archive up to
     * that time and promotes, and returns when it accepts writes. Anything created is removed on failure.
     */
    @Override
    public PostgresRestoredDatabase restore(RestoreRequest request) {
        Instant deadline = Instant.now().plus(request.timeout());
        Backup base = check(request);
        Path target = config.restoreDirectory().resolve(request.targetName());
        try {
            Files.createDirectories(config.restoreDirectory());
            Files.createDirectory(target);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(targetExists(request, target));
        } catch (IOException e) {
            throw new BackupException("could not create the restore directory " + target + ": " + e.getMessage(), e);
        }
        ProgressReporter progress = new ProgressReporter(log, request.progressListener(), Progress.Operation.RESTORE, request.targetName());
        PostgresRestoredDatabase restored = null;
        try {
            Path backupDir = config.backupDirectory().resolve(base.id());
            Properties m = manifest(backupDir);
            long total = base.sizeBytes();
            progress.report("copy", 0, total);
            PgFiles.copyTree(backupDir.resolve("data"), target.resolve("data"), n -> progress.report("copy", n, total));
            Files.writeString(target.resolve("data/recovery.signal"), "");
            restored = new PostgresRestoredDatabase(request.targetName(), request.restorePoint(), target, PgServer.freePort(),
                    m.getProperty("database"), config.user(), config.password(), config.installation());
            restored.appendSettings(recoverySettings(request, restored.port()));
            PgFiles.chown(target, Integer.parseInt(m.getProperty("ownerUid")), Integer.parseInt(m.getProperty("ownerGid")));
            log.info("restore {}: base backup {} (consistent at {}), replaying the archive {} up to {}", request.targetName(),
                    base.id(), base.stopTime(), config.walArchive(), request.restorePoint());
            restored.startAndAwaitPromoted(deadline, progress, base.startPosition());
            progress.report("done", total, total);
            log.info("restore {} done: {} holds the state at {}", request.targetName(), restored.jdbcUrl(), request.restorePoint());
            return restored;
        } catch (IOException | RuntimeException e) {
            if (restored != null) {
                restored.drop();
            } else {
                PgFiles.deleteTree(target);
            }
            throw new BackupException("restore " + request.targetName() + " to " + request.restorePoint() + " failed: " + e.getMessage()
                    + "; what it created (" + target + ") was removed, the source was not touched", e);
        }
    }

    /** Fails with a message stating the valid window unless the request can be served; returns the base backup to use. */
    private Backup check(RestoreRequest request) {
        Path target = config.restoreDirectory().resolve(request.targetName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(targetExists(request, target));
        }
        RestoreWindow window;
        try {
            window = restoreWindow();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("cannot restore " + request.targetName() + ": " + e.getMessage(), e);
        }
        if (request.logPosition().isPresent()) {
            return checkPosition(request.logPosition().get());
        }
        Instant t = request.pointInTime().orElseThrow();
        Instant now = Instant.now();
        if (t.isAfter(now)) {
            throw new IllegalArgumentException("restore point " + t + " is in the future (now is " + now + ") and outside the restore window "
                    + window + "; choose a time in it");
        }
        if (!window.contains(t)) {
            throw new IllegalArgumentException("restore point " + t + " is outside the restore window " + window + "; choose a time in it");
        }
        return listBackups().stream().filter(b -> !b.stopTime().isAfter(t)).reduce((a, b) -> b).orElseThrow();
    }

    /**
     * A log position is restorable from the stop LSN of the oldest backup to the end of the newest archived
     * WAL segment (or the newest backup's stop LSN, when later).
     */
    private Backup checkPosition(String position) {
        if (!LSN.matcher(position).matches()) {
            throw new IllegalArgumentException("logPosition '" + position + "' is not a PostgreSQL LSN: write it as "
                    + "pg_current_wal_lsn() shows it, for example 0/3000060");
        }
        List<Backup> backups = listBackups();
        long target = lsn(position);
        long earliest = backups.stream().mapToLong(b -> lsn(b.stopPosition())).min().orElseThrow();
        long newestBackup = backups.stream().mapToLong(b -> lsn(b.stopPosition())).max().orElseThrow();
        long segmentBytes = Long.parseLong(manifest(config.backupDirectory().resolve(backups.get(backups.size() - 1).id()))
                .getProperty("walSegmentBytes"));
        long latest = Math.max(newestBackup, endOfNewestArchivedSegment(segmentBytes));
        if (target < earliest || target > latest) {
            throw new IllegalArgumentException("restore position " + position + " is outside the restorable log positions ["
                    + lsn(earliest) + ", " + lsn(latest) + "]; choose a position in it");
        }
        return backups.stream().filter(b -> lsn(b.stopPosition()) <= target).reduce((a, b) -> b).orElseThrow();
    }

    /** The LSN where the newest archived segment ends (segment names: timeline, log, segment, in hex). */
    private long endOfNewestArchivedSegment(long segmentBytes) {
        long segmentsPerLog = 0x1_0000_0000L / segmentBytes;
        long newest = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.walArchive())) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (SEGMENT.matcher(name).matches()) {
                    long segno = Long.parseLong(name.substring(8, 16), 16) * segmentsPerLog + Long.parseLong(name.substring(16), 16);
                    newest = Math.max(newest, segno);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the WAL archive " + config.walArchive(), e);
        }
        return (newest + 1) * segmentBytes;
    }

    static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    static String lsn(long value) {
        return String.format("%X/%X", value >>> 32, value & 0xFFFF_FFFFL);
    }

    private static String targetExists(RestoreRequest request, Path target) {
        return "restore target '" + request.targetName() + "' already exists (" + target + "); choose another targetName, "
                + "or drop the restored database that uses it";
    }

    private String recoverySettings(RestoreRequest request, int port) {
        String archive = config.walArchive().toString();
        if (archive.contains("'") || archive.contains("\"")) {
            throw new IllegalArgumentException("the WAL archive path " + archive + " contains a quote; move it to a path without quotes");
        }
        return "\n# hadr4j point-in-time restore '" + request.targetName() + "'\n"
                + "port = " + port + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = ''\n"
                + "archive_mode = off\n"
                + "primary_conninfo = ''\n"
                + "primary_slot_name = ''\n"
                + "synchronous_standby_names = ''\n"
                + "hot_standby = on\n"
                + "logging_collector = off\n"
                + "restore_command = 'cp \"" + archive + "/%f\" \"%p\"'\n"
                + request.pointInTime().map(t -> "recovery_target_time = '" + PG_TIME.format(t) + "'\n"
                        + "recovery_target_inclusive = on\n")
                    .orElseGet(() -> "recovery_target_lsn = '" + request.logPosition().orElseThrow() + "'\n"
                        + "recovery_target_inclusive = off\n")
                + "recovery_target_timeline = 'latest'\n"
                + "recovery_target_action = 'promote'\n";
    }

    // --- verification -------------------------------------------------------------------------------

    /** Row count and checksum of each table in one repeatable-read snapshot, with the instant after that snapshot. */
    @Override
    public Expectations capture(DataSource database, Collection<String> tables) {
        if (tables == null || tables.isEmpty()) {
            throw new IllegalArgumentException("capture needs at least one table name");
        }
        Expectations.Builder b = Expectations.builder();
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
                rs.next(); // the snapshot is taken when this statement starts: every commit in it is older than this time
                b.capturedAt(rs.getTimestamp(1).toInstant());
            }
            for (String table : tables) {
                Expectations.checkTableName(table); // before it goes into SQL
                String[] counted = countAndChecksum(c, table);
                b.rowCount(table, Long.parseLong(counted[0])).checksum(table, counted[1]);
            }
            c.rollback();
        } catch (SQLException e) {
            throw new BackupException("could not capture " + tables + ": " + e.getMessage(), e);
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
                        case ROW_COUNT -> queryForString(c, "SELECT count(*) FROM " + e.subject());
                        case CHECKSUM -> countAndChecksum(c, e.subject())[1];
                        case QUERY -> queryForString(c, e.subject());
                    };
                } catch (SQLException ex) {
                    throw new IllegalStateException(ex.getMessage(), ex);
                }
            });
            log.info("verification of {}: {}", restored.name(), result);
            return result;
        } catch (SQLException e) {
            throw new BackupException("could not connect to " + restored + " to verify it: " + e.getMessage(), e);
        }
    }

    /** Row count and md5 of the rows as text, ordered by the primary key (by the whole row when there is none). */
    private static String[] countAndChecksum(Connection c, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT quote_ident(a.attname) FROM pg_index i "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
                + "WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    key.add("t." + rs.getString(1));
                }
            }
        }
        String order = key.isEmpty() ? "t::text" : String.join(", ", key);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY " + order
                     + "), '')) FROM " + table + " t")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    private static String queryForString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public String toString() {
        return "PostgresBackupService[" + config + "]";
    }
}
