package io.hadr4j.testkit;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL server of a {@link TwoRegionPostgres}: its own data directory and port, and a
 * {@link FaultProxy} in front of it. Applications under test connect through {@link #jdbcUrl()} (the
 * proxy); the testkit itself uses {@link #directJdbcUrl()}.
 */
public final class PgNode {
    private static final Logger log = LoggerFactory.getLogger(PgNode.class);
    private static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();
    /** Files of a data directory that a base backup leaves out. */
    private static final Set<String> SKIP_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label.old",
            "standby.signal", "recovery.signal", "current_logfiles", "postgresql.auto.conf");
    /** Directories of a data directory whose contents a base backup leaves out. */
    private static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    private final TwoRegionPostgres cluster;
    private final String name;
    private final String region;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final FaultProxy proxy;
    private volatile Process process;

    PgNode(TwoRegionPostgres cluster, String name, String region, Path baseDir) {
        this.cluster = cluster;
        this.name = name;
        this.region = region;
        this.dataDir = baseDir.resolve(name);
        this.logFile = baseDir.resolve(name + ".log");
        this.port = freePort();
        this.proxy = new FaultProxy(name, port);
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
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database();
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
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The postmaster's process id, or -1 when not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** Asks the node directly what it is. */
    public Role role() {
        if (!isRunning()) {
            return Role.DOWN;
        }
        try (Connection c = connectDirect(2); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return Role.STANDBY;
            }
            return "on".equals(rs.getString(2)) ? Role.READ_ONLY_PRIMARY : Role.PRIMARY;
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
        Properties p = new Properties();
        p.setProperty("user", user());
        p.setProperty("password", password());
        p.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
        p.setProperty("socketTimeout", String.valueOf(Math.max(timeoutSeconds, 30)));
        p.setProperty("ApplicationName", "hadr4j-testkit");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    /** kill -9 of the server and all its processes, as a crash of the host would. */
    public void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(p, children);
        log.info("node {} ({}) killed (-9)", name, region);
    }

    /** A clean, fast shutdown (SIGINT): open sessions are ended, everything written is kept and sent to standbys. */
    public void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        PgBinaries.run(List.of("kill", "-INT", String.valueOf(p.pid())), 10);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("node {} did not stop within 60 s; killing it", name);
                kill();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return;
        }
        awaitExit(p, children);
        log.info("node {} ({}) stopped", name, region);
    }

    /** Starts the server from its data directory as whatever that directory says it is, and waits until it answers. */
    public void start() {
        if (isRunning()) {
            return;
        }
        PgBinaries bin = PgBinaries.get();
        List<String> cmd = bin.command("postgres", "-D", dataDir.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            p.getOutputStream().close();
            process = p;
            STARTED.add(p.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start postgres for node " + name + ": " + String.join(" ", cmd), e);
        }
        awaitReady(Duration.ofSeconds(120));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("postgres for node " + name + " exited with " + (p == null ? "?" : p.exitValue())
                        + " while starting; its log " + logFile + " ends with:\n" + tail(logFile, 20));
            }
            try (Connection c = connectDirect("postgres", 2)) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(20);
        }
        throw new IllegalStateException("node " + name + " did not accept connections within " + timeout.toSeconds()
                + " s (" + (last == null ? "" : last.getMessage()) + "); its log " + logFile + " ends with:\n" + tail(logFile, 20));
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
                PgBinaries.run(bin.command("initdb", "-D", dataDir.toString(), "-U", user(), "--pwfile=" + pwfile,
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
        PgBinaries.deleteTree(dataDir);
        try (Connection c = primary.connectDirect(30); Statement st = c.createStatement()) {
            st.execute("SELECT pg_backup_start('hadr4j-testkit clone for " + name + "', true)");
            copyDataDirectory(primary.dataDir, dataDir);
            String label;
            String spcmap;
            try (ResultSet rs = st.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                label = rs.getString(1);
                spcmap = rs.getString(2);
            }
            Files.writeString(dataDir.resolve("backup_label"), label);
            if (spcmap != null && !spcmap.isEmpty()) {
                Files.writeString(dataDir.resolve("tablespace_map"), spcmap);
            }
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

    private static void copyDataDirectory(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(dir);
                Files.createDirectories(to.resolve(rel.toString()));
                if (rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        Files.createDirectories(to.resolve("pg_wal/archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(file);
                String fileName = file.getFileName().toString();
                if ((rel.getNameCount() == 1 && SKIP_FILES.contains(fileName)) || fileName.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(rel.toString()), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException gone) {
                    // removed by the server while copying; WAL replay takes care of it
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    }

    private static void awaitExit(Process p, List<ProcessHandle> children) {
        try {
            p.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle c : children) {
                c.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("postgres processes still running after 30 s: {}", children);
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

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
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
