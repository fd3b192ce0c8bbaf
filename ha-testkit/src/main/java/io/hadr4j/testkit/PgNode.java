package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Role;
import io.hadr4j.postgres.PgBaseBackup;
import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PgInstallation;
import io.hadr4j.postgres.PgServer;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One PostgreSQL server of a {@link TwoRegionPostgres}: its own data directory and port, and a
 * {@link FaultProxy} in front of it. Applications under test connect through {@link #jdbcUrl()} (the
 * proxy); the testkit itself uses {@link #directJdbcUrl()}.
 */
public final class PgNode {
    private static final Logger log = LoggerFactory.getLogger(PgNode.class);
    private static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();
    private final TwoRegionPostgres cluster;
    private final String name;
    private final String region;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final FaultProxy proxy;
    private final PgServer server;

    PgNode(TwoRegionPostgres cluster, String name, String region, Path baseDir) {
        this.cluster = cluster;
        this.name = name;
        this.region = region;
        this.dataDir = baseDir.resolve(name);
        this.logFile = baseDir.resolve(name + ".log");
        this.port = PgServer.freePort();
        this.proxy = new FaultProxy(name, port);
        this.server = new PgServer("node " + name, PgBinaries.get().installation(), dataDir, logFile, port,
                List.of("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="));
    }

    public String name() {
        return name;
    }

    public String region() {
        return region;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The server's own port. */
    public int port() {
        return port;
    }

    public FaultProxy proxy() {
        return proxy;
    }

    public String user() {
        return TwoRegionPostgres.USER;
    }

    public String password() {
        return cluster.password();
    }

    public String database() {
        return TwoRegionPostgres.DATABASE;
    }

    /** JDBC URL through this node's {@link FaultProxy}: what the application under test should use. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database();
    }

    /** JDBC URL straight to the server, bypassing the proxy. */
    public String directJdbcUrl() {
        return server.jdbcUrl(database());
    }

    /** A DataSource through the proxy, with user and password set and a 5 s connect timeout. */
    public DataSource dataSource() {
        return dataSource(proxy.port());
    }

    /** A DataSource straight to the server. */
    public DataSource directDataSource() {
        return dataSource(port);
    }

    private DataSource dataSource(int p) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {p});
        ds.setDatabaseName(database());
        ds.setUser(user());
        ds.setPassword(password());
        ds.setConnectTimeout(5);
        ds.setApplicationName("hadr4j-test-" + name);
        return ds;
    }

    /** The directory holding this node's data. */
    public Path dataDirectory() {
        return dataDir;
    }

    /** This node's server log. */
    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The postmaster's process id, or -1 when not running. */
    public long pid() {
        return server.pid();
    }

    /** This node's server process. */
    PgServer server() {
        return server;
    }

    /**
     * Asks the node directly what it is, in the router's words: {@link Role#PRIMARY}, {@link Role#READ_ONLY} (not in
     * recovery but turned read-only in place, as after an Azure SQL failover-group failover), {@link Role#SECONDARY}
     * (a standby in recovery), or {@link Role#DOWN} (not running, or not answering).
     */
    public Role role() {
        if (!isRunning()) {
            return Role.DOWN;
        }
        try (Connection c = connectDirect(2); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return Role.SECONDARY;
            }
            return "on".equals(rs.getString(2)) ? Role.READ_ONLY : Role.PRIMARY;
        } catch (SQLException e) {
            return Role.DOWN;
        }
    }

    /** The timeline this node writes (primary) or replays (standby). */
    public long timeline() {
        String sql = "SELECT CASE WHEN pg_is_in_recovery() "
                + "THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint())) "
                + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END";
        return queryForLong(sql);
    }

    /** For a standby: how many bytes of WAL the primary has that this node has not replayed yet. */
    public long replicationLagBytes() {
        String replayed = queryForString("SELECT pg_last_wal_replay_lsn()::text");
        if (replayed == null) {
            throw new IllegalStateException("node " + name + " is not a standby");
        }
        return Math.max(0, cluster.primary().queryForLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + replayed + "'::pg_lsn)::bigint"));
    }

    /** For a standby: the replay lag the primary reports for it (zero when it has caught up and is idle). */
    public Duration replicationLag() {
        long micros = cluster.primary().queryForLong("SELECT coalesce((SELECT (extract(epoch FROM replay_lag) * 1000000)::bigint "
                + "FROM pg_stat_replication WHERE application_name = '" + name + "' LIMIT 1), 0)");
        return Duration.ofNanos(micros * 1000);
    }

    /** Runs one statement straight on the server. */
    public void execute(String sql) {
        executeIn(database(), sql);
    }

    void executeIn(String db, String sql) {
        try (Connection c = connectDirect(db, 10); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("node " + name + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query returning one number, straight on the server. */
    public long queryForLong(String sql) {
        String s = queryForString(sql);
        if (s == null) {
            throw new IllegalStateException("node " + name + ": " + sql + " returned NULL");
        }
        return Long.parseLong(s);
    }

    /** Runs a query returning one value as text (or null), straight on the server. */
    public String queryForString(String sql) {
        try (Connection c = connectDirect(10); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("node " + name + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    Connection connectDirect(int timeoutSeconds) throws SQLException {
        return connectDirect(database(), timeoutSeconds);
    }

    /** A connection straight to the server, to {@code db} ("postgres" exists from the start, "app" once the cluster made it). */
    Connection connectDirect(String db, int timeoutSeconds) throws SQLException {
        return server.connect(db, user(), password(), timeoutSeconds, Math.max(timeoutSeconds, 30), "hadr4j-testkit");
    }

    /** kill -9 of the server and all its processes, as a crash of the host would. */
    public void kill() {
        server.kill();
    }

    /**
     * A clean, fast shutdown ({@code pg_ctl stop -m fast}): open sessions are ended, everything written is kept and
     * sent to standbys.
     */
    public void stop() {
        server.stop();
    }

    /** Starts the server from its data directory as whatever that directory says it is, and waits until it answers. */
    public void start() {
        if (isRunning()) {
            return;
        }
        server.start();
        STARTED.add(server.pid());
        server.await(Instant.now().plusSeconds(120), Duration.ofMillis(20), "starting", () -> {
            try (Connection c = connectDirect("postgres", 2)) {
                return true;
            }
        }, () -> "");
    }

    /** initdb into an empty data directory. */
    void initPrimary(String configuration) {
        PgBinaries bin = PgBinaries.get();
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            bin.own(dataDir);
            Path pwfile = dataDir.resolveSibling(name + ".pw");
            Files.writeString(pwfile, password() + "\n");
            bin.own(pwfile);
            try {
                PgInstallation.run(bin.installation().command("initdb", "-D", dataDir.toString(), "-U", user(), "--pwfile=" + pwfile,
                        "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--wal-segsize=1", "--no-sync", "--no-instructions"), 120);
            } finally {
                Files.deleteIfExists(pwfile);
            }
            Files.writeString(dataDir.resolve("postgresql.conf"), configuration, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(dataDir.resolve("pg_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n"
                    + "host replication all 127.0.0.1/32 scram-sha-256\n");
            bin.own(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the data directory of node " + name, e);
        }
    }

    /**
     * Makes this node a streaming standby of {@code primary}: a base backup through the server's backup API
     * ({@code pg_backup_start}/{@code pg_backup_stop}) and a copy of its data directory, then starts it.
     */
    void cloneFrom(PgNode primary) {
        stop();
        PgFiles.deleteTree(dataDir);
        try (Connection c = primary.connectDirect(30)) {
            PgBaseBackup.take(c, "hadr4j-testkit clone for " + name, primary.dataDir, dataDir, false, PgBaseBackup.Progress.NONE);
        } catch (SQLException e) {
            throw new IllegalStateException("base backup of node " + primary.name + " for node " + name + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("copying node " + primary.name + "'s data directory for node " + name + " failed", e);
        }
        followAndStart(primary);
    }

    /** Writes standby.signal and the connection to {@code primary}, then starts. */
    void followAndStart(PgNode primary) {
        try {
            Files.writeString(dataDir.resolve("standby.signal"), "");
            String auto = "# written by the hadr4j testkit\n"
                    + "primary_conninfo = 'host=127.0.0.1 port=" + primary.port + " user=" + user()
                    + " password=" + password() + " application_name=" + name + "'\n";
            Files.writeString(dataDir.resolve("postgresql.auto.conf"), auto);
            Files.deleteIfExists(dataDir.resolve("recovery.signal"));
            PgBinaries.get().own(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not configure node " + name + " as a standby", e);
        }
        start();
    }

    /** Removes what makes this node a standby (when it should start as a primary). */
    void forgetStandbyConfiguration() {
        try {
            Files.deleteIfExists(dataDir.resolve("standby.signal"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Process ids of servers this JVM started that are still running. */
    static List<Long> runningStartedPids() {
        List<Long> alive = new ArrayList<>();
        for (long pid : STARTED) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                alive.add(pid);
            }
        }
        return alive;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "PgNode[" + name + ", region " + region + ", port " + port + ", proxy " + proxy.port() + "]";
    }

}
