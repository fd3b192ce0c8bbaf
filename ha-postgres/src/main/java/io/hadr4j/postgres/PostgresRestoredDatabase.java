package io.hadr4j.postgres;

import io.hadr4j.core.backup.ProgressReporter;
import io.hadr4j.core.backup.RestoredDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A PostgreSQL server that {@link PostgresBackupService#restore} started on a restored copy: its own
 * directory (data directory and {@code server.log}) under the restore directory, its own loopback port.
 * {@link #drop()} stops it and deletes the directory; servers still running when the JVM exits are dropped
 * by a shutdown hook.
 */
public final class PostgresRestoredDatabase implements RestoredDatabase {
    private static final Logger log = LoggerFactory.getLogger(PostgresRestoredDatabase.class);
    private static final Set<PostgresRestoredDatabase> OPEN = ConcurrentHashMap.newKeySet();
    static final String TARGET_MISSED = "recovery ended before configured recovery target was reached";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(PostgresRestoredDatabase::drop),
                "hadr4j-restored-postgres-shutdown"));
    }

    private final String name;
    private final String restorePoint;
    private final Path directory;
    private final String database;
    private final String user;
    private final String password;
    private final PgServer server;
    private volatile boolean dropped;

    PostgresRestoredDatabase(String name, String restorePoint, Path directory, int port, String database, String user,
                             String password, PgInstallation installation) {
        this.name = name;
        this.restorePoint = restorePoint;
        this.directory = directory;
        this.database = database;
        this.user = user;
        this.password = password;
        this.server = new PgServer("the restored server " + name, installation, directory.resolve("data"),
                directory.resolve("server.log"), port, List.of());
        OPEN.add(this);
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
        return server.jdbcUrl(database);
    }

    @Override
    public String user() {
        return user;
    }

    /** The directory of this restore: the data directory {@code data} and the server log {@code server.log}. */
    public Path directory() {
        return directory;
    }

    /** The restored server's process: its data directory {@code data}, its log {@code server.log}. */
    public PgServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public Connection connect() throws SQLException {
        return connect(10);
    }

    private Connection connect(int timeoutSeconds) throws SQLException {
        return server.connect(database, user, password, timeoutSeconds, 0, "hadr4j-restore");
    }

    /**
     * Starts the server on the prepared data directory (recovery.signal and settings written), and waits until
     * recovery has reached the target and the server has been promoted, reporting the WAL replayed since
     * {@code startLsn}. It fails at once when the server exits or refuses the login (a copy keeps the source's
     * roles and passwords: {@code credentials(...)} of the config must be the source's), and at {@code deadline};
     * the last connection error is the failure's cause. When the archive ends before the first commit after the
     * target (nothing was committed between the target and the newest archived WAL), PostgreSQL stops with
     * "{@value #TARGET_MISSED}": the end of the archive is then the state at the target, and the server is
     * restarted to recover to it.
     */
    void startAndAwaitPromoted(Instant deadline, ProgressReporter progress, String startLsn) {
        long[] replayed = {0};
        PgServer.Check promoted = () -> {
            try (Connection c = connect(2);
                 PreparedStatement st = c.prepareStatement("SELECT pg_is_in_recovery(), "
                         + "coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ?::pg_lsn), 0)::bigint")) {
                st.setString(1, startLsn);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    replayed[0] = Math.max(replayed[0], rs.getLong(2));
                    boolean done = !rs.getBoolean(1);
                    progress.report("replay", replayed[0], done ? replayed[0] : -1);
                    return done;
                }
            }
        };
        Supplier<String> onTimeout = () -> (replayed[0] >> 20) + " MB of WAL replayed; raise the request's timeout.";
        server.start();
        try {
            server.await(deadline, Duration.ofMillis(100), "recovery", promoted, onTimeout);
        } catch (PgServer.ExitedException e) {
            if (!e.logTail().contains(TARGET_MISSED)) {
                throw e;
            }
            log.info("restore {}: the archive ends before {} (no commit after it); recovering to the end of the "
                    + "archive, which is the state there", name, restorePoint);
            appendSettings("recovery_target_time = ''\nrecovery_target_lsn = ''\n");
            server.start();
            server.await(deadline, Duration.ofMillis(100), "recovery", promoted, onTimeout);
        }
    }

    /** Appends settings to the restored copy's postgresql.auto.conf (read last, so they win). */
    void appendSettings(String settings) {
        try {
            Files.writeString(server.dataDirectory().resolve("postgresql.auto.conf"), settings, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the settings of the restored server " + name, e);
        }
    }

    @Override
    public void drop() {
        if (dropped) {
            return;
        }
        dropped = true;
        try {
            server.stop();
        } finally {
            PgFiles.deleteTree(directory);
            OPEN.remove(this);
            log.info("restored database {} dropped: server stopped, {} removed", name, directory);
        }
    }

    /** The last {@code lines} lines of the restored server's log. */
    String tail(int lines) {
        return server.logTail(lines);
    }

    /** Name, point in time, JDBC URL, user and directory; never the password. */
    @Override
    public String toString() {
        return "PostgresRestoredDatabase[" + name + " at " + restorePoint + ", " + jdbcUrl() + ", user " + user + ", "
                + directory + (dropped ? ", dropped" : "") + "]";
    }
}
