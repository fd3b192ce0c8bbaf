package io.hadr4j.core.backup.postgres;

import io.hadr4j.core.backup.BackupException;
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
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final List<String> command;
    private volatile Process process;
    private volatile boolean dropped;

    PostgresRestoredDatabase(String name, String restorePoint, Path directory, int port, String database, String user,
                             String password, List<String> command) {
        this.name = name;
        this.restorePoint = restorePoint;
        this.directory = directory;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.command = List.copyOf(command);
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
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String user() {
        return user;
    }

    /** The directory of this restore: the data directory {@code data} and the server log {@code server.log}. */
    public Path directory() {
        return directory;
    }

    public Path dataDirectory() {
        return directory.resolve("data");
    }

    public Path logFile() {
        return directory.resolve("server.log");
    }

    public int port() {
        return port;
    }

    /** The server's process id, or -1 when it is not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    public boolean isRunning() {
        return pid() != -1;
    }

    @Override
    public Connection connect() throws SQLException {
        return connect(10);
    }

    private Connection connect(int timeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
        p.setProperty("ApplicationName", "hadr4j-restore");
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /** Starts the server on the prepared data directory (recovery.signal and settings written). */
    void start() {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
            p.getOutputStream().close();
            process = p;
        } catch (IOException e) {
            throw new BackupException("could not start the restored server " + name + " (" + String.join(" ", command) + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Waits until recovery has reached the target and the server has been promoted, reporting the WAL
     * replayed since {@code startLsn}. When the archive ends before the first commit after the target
     * (nothing was committed between the target and the newest archived WAL), PostgreSQL stops with
     * "{@value #TARGET_MISSED}": the end of the archive is then the state at the target, and the server
     * is restarted to recover to it.
     */
    void awaitPromoted(Instant deadline, ProgressReporter progress, String startLsn) {
        boolean retried = false;
        long replayed = 0;
        while (true) {
            Process p = process;
            if (!p.isAlive()) {
                String tail = tail(40);
                if (!retried && tail.contains(TARGET_MISSED)) {
                    log.info("restore {}: the archive ends before {} (no commit after it); recovering to the end of the "
                            + "archive, which is the state there", name, restorePoint);
                    appendSettings("recovery_target_time = ''\nrecovery_target_lsn = ''\n");
                    retried = true;
                    start();
                    continue;
                }
                throw new BackupException("the restored server " + name + " exited with " + p.exitValue()
                        + " during recovery; its log " + logFile() + " ends with:\n" + tail);
            }
            try (Connection c = connect(2);
                 PreparedStatement st = c.prepareStatement("SELECT pg_is_in_recovery(), "
                         + "coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ?::pg_lsn), 0)::bigint")) {
                st.setString(1, startLsn);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    replayed = Math.max(replayed, rs.getLong(2));
                    if (!rs.getBoolean(1)) {
                        progress.report("replay", replayed, replayed);
                        return;
                    }
                    progress.report("replay", replayed, -1);
                }
            } catch (SQLException e) {
                // starting up, or not yet consistent: not accepting connections yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new BackupException("the restored server " + name + " did not finish recovery in time (deadline "
                        + deadline + ", " + (replayed >> 20) + " MB of WAL replayed); raise the request's timeout. Its log "
                        + logFile() + " ends with:\n" + tail(20));
            }
            sleep(100);
        }
    }

    /** Appends settings to the restored copy's postgresql.auto.conf (read last, so they win). */
    void appendSettings(String settings) {
        try {
            Files.writeString(dataDirectory().resolve("postgresql.auto.conf"), settings, StandardCharsets.UTF_8,
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
            stopServer();
        } finally {
            PostgresBackupService.deleteTree(directory);
            OPEN.remove(this);
            log.info("restored database {} dropped: server stopped, {} removed", name, directory);
        }
    }

    /** A fast shutdown (SIGINT); after 60 s, kill -9 of the server and its children. */
    void stopServer() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("restored server {} did not stop within 60 s; killing it", name);
            }
        } catch (IOException e) {
            log.warn("could not signal restored server {}: {}; killing it", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle c : children) {
                c.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("processes of restored server {} still running: {}", name, children);
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while waiting for a restored server", e);
        }
    }

    /** Name, point in time, JDBC URL, user and directory; never the password. */
    @Override
    public String toString() {
        return "PostgresRestoredDatabase[" + name + " at " + restorePoint + ", " + jdbcUrl() + ", user " + user + ", "
                + directory + (dropped ? ", dropped" : "") + "]";
    }
}
