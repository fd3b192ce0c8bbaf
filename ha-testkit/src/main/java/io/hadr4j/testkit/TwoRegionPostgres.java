package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Role;
import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PostgresBackupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real local "two-region" PostgreSQL: region A runs the primary, region B a streaming-replication
 * standby, with WAL archiving into a shared archive (ready for point-in-time restore), each node on a free
 * loopback port in its own temporary data directory behind a {@link FaultProxy}.
 *
 * <pre>{@code
 * try (TwoRegionPostgres db = TwoRegionPostgres.builder().build().start()) {
 *     DataSource primary = db.nodeA().dataSource();
 *     db.nodeA().kill();
 *     db.failover();             // region B is now the primary, on a newer timeline
 * }
 * }</pre>
 *
 * <p>Fault controls: {@link PgNode#kill()}, {@link PgNode#stop()}, {@link PgNode#start()},
 * {@link #switchover()}, {@link #failover()}, {@link #demoteInPlace(PgNode)},
 * {@link #restartAsStalePrimary(PgNode)}, {@link #reattachAsStandby(PgNode)}, and each node's
 * {@link PgNode#proxy()}. {@link #close()} stops everything and deletes the files; so does a JVM shutdown
 * hook for clusters left open.
 */
public final class TwoRegionPostgres implements AutoCloseable {
    /**
     * The primaries' {@code archive_timeout}: with writes going on, a WAL segment reaches the archive at least this
     * often, so a restore from the archive alone loses at most about this much.
     */
    public static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(5);
    static final String USER = "postgres";
    static final String DATABASE = "app";
    private static final Logger log = LoggerFactory.getLogger(TwoRegionPostgres.class);
    private static final Set<TwoRegionPostgres> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(TwoRegionPostgres::close), "hadr4j-testkit-shutdown"));
    }

    private final Builder config;
    private final Path baseDir;
    private final Path archive;
    private final PgNode a;
    private final PgNode b;
    private volatile Duration startupTime = Duration.ZERO;
    private volatile boolean closed;

    private TwoRegionPostgres(Builder config) {
        this.config = config;
        try {
            this.baseDir = Files.createTempDirectory("hadr4j-pg-");
            Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            this.archive = Files.createDirectories(baseDir.resolve("wal-archive"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the testkit's temporary directory", e);
        }
        this.a = new PgNode(this, "a", config.regionA, baseDir);
        this.b = new PgNode(this, "b", config.regionB, baseDir);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the primary in region A and the standby in region B; returns when both serve queries. */
    public TwoRegionPostgres start() {
        if (closed) {
            throw new IllegalStateException("this TwoRegionPostgres is closed; build a new one");
        }
        OPEN.add(this);
        long t0 = System.nanoTime();
        try {
            PgBinaries bin = PgBinaries.get();
            bin.own(archive);
            a.initPrimary(configuration());
            a.start();
            a.executeIn("postgres", "CREATE DATABASE " + DATABASE);
            a.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            b.cloneFrom(a);
            awaitStreaming(b, Duration.ofSeconds(60));
            applySynchronousSetting(a);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - t0);
        log.info("two-region PostgreSQL {} up in {} ms: primary {} (region {}), {} standby {} (region {}); archive {}",
                PgBinaries.get().majorVersion(), startupTime.toMillis(), a.directJdbcUrl(), a.region(),
                config.synchronous ? "synchronous" : "asynchronous", b.directJdbcUrl(), b.region(), archive);
        return this;
    }

    private String configuration() {
        String arch = archive.toString().replace("'", "''");
        return "\n# hadr4j testkit\n"
                + "wal_level = replica\n"
                + "max_wal_senders = 10\n"
                + "max_replication_slots = 10\n"
                + "wal_keep_size = '512MB'\n"
                + "hot_standby = on\n"
                + "hot_standby_feedback = on\n"
                + "wal_receiver_status_interval = '1s'\n"
                + "wal_sender_timeout = '10s'\n"
                + "wal_receiver_timeout = '10s'\n"
                + "wal_retrieve_retry_interval = '200ms'\n"
                + "archive_mode = on\n"
                // Copied under a temporary name and renamed: a server killed while archiving leaves no partial segment.
                + "archive_command = 'test ! -f \"" + arch + "/%f\" && cp \"%p\" \"" + arch + "/%f.part\" && mv \"" + arch
                + "/%f.part\" \"" + arch + "/%f\"'\n"
                + "archive_timeout = '" + ARCHIVE_TIMEOUT.toSeconds() + "s'\n"
                + "restore_command = 'cp \"" + arch + "/%f\" \"%p\"'\n"
                + "max_connections = 200\n"
                + "shared_buffers = '32MB'\n"
                + "fsync = " + (config.durable ? "on" : "off") + "\n"
                + "shared_preload_libraries = 'pg_stat_statements'\n"
                + "log_line_prefix = '%m [%p] %q%a '\n"
                + "log_min_messages = info\n";
    }

    public PgNode nodeA() {
        return a;
    }

    public PgNode nodeB() {
        return b;
    }

    public List<PgNode> nodes() {
        return List.of(a, b);
    }

    /** The node called {@code name} ("a" or "b"). */
    public PgNode node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + name + "': the nodes are 'a' and 'b'"));
    }

    /** The running, writable node with the newest timeline. */
    public PgNode primary() {
        return nodes().stream().filter(n -> n.role() == Role.PRIMARY)
                .max(Comparator.comparingLong(PgNode::timeline))
                .orElseThrow(() -> new IllegalStateException("no writable primary: " + describe()));
    }

    /** A running node in recovery. */
    public PgNode standby() {
        return nodes().stream().filter(n -> n.role() == Role.SECONDARY).findFirst()
                .orElseThrow(() -> new IllegalStateException("no standby: " + describe()));
    }

    /** The shared WAL archive every primary writes to. */
    public Path walArchive() {
        return archive;
    }

    /**
     * A {@link PostgresBackupConfig} for point-in-time restores of {@code source}: its data directory, the shared WAL
     * archive, backups and restored copies under {@code workDirectory} (which the servers' user must be able to
     * traverse), the testkit's binaries and user. Set more, or build it.
     */
    public PostgresBackupConfig.Builder backupConfig(PgNode source, Path workDirectory) {
        PgBinaries bin = PgBinaries.get();
        return PostgresBackupConfig.custom()
                .dataSource(source.directDataSource())
                .dataDirectory(source.dataDirectory())
                .walArchive(walArchive())
                .backupDirectory(workDirectory.resolve("backups"))
                .binDirectory(bin.installation().binDirectory())
                .restoreDirectory(workDirectory.resolve("restored"))
                .credentials(source.user(), source.password())
                .commandPrefix(bin.runAsPrefix());
    }

    /** How long {@link #start()} took to bring up primary and standby. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean synchronousReplication() {
        return config.synchronous;
    }

    String password() {
        return config.password;
    }

    /** Waits until every running standby has replayed all WAL the primary has written so far. */
    public void awaitReplayed(Duration timeout) {
        PgNode p = primary();
        String lsn = p.queryForString("SELECT pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PgNode s : nodes()) {
            if (s == p || s.role() != Role.SECONDARY) {
                continue;
            }
            while (s.queryForLong("SELECT CASE WHEN pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn THEN 1 ELSE 0 END") == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("standby " + s.name() + " did not replay up to " + lsn + " within " + timeout);
                }
                PgNode.sleep(10);
            }
        }
    }

    /**
     * Planned switchover: stops the primary cleanly (it sends all its WAL to the standby before it
     * exits), waits until the standby has replayed everything, promotes it, and restarts the old primary
     * as a standby of the new one. Nothing acknowledged is lost.
     */
    public PgNode switchover() {
        PgNode old = primary();
        PgNode next = standby();
        long t0 = System.nanoTime();
        old.stop();
        awaitReplayOfEverythingReceived(next, Duration.ofSeconds(60));
        promote(next);
        old.followAndStart(next);
        awaitStreaming(old, Duration.ofSeconds(60));
        applySynchronousSetting(next);
        log.info("switchover {} -> {} done in {} ms (timeline {})", old.name(), next.name(),
                (System.nanoTime() - t0) / 1_000_000, next.timeline());
        return next;
    }

    /** Forced failover: promotes the standby at once, whatever the old primary is doing. */
    public PgNode failover() {
        PgNode next = standby();
        promote(next);
        applySynchronousSetting(next);
        log.info("failover: {} promoted (timeline {})", next.name(), next.timeline());
        return next;
    }

    /**
     * Turns {@code node} read-only in place: {@code default_transaction_read_only} is set and the
     * configuration reloaded, while the server and its open connections stay up. Writes on it then fail
     * with SQLState 25006, as on an Azure SQL primary that a failover-group failover turned secondary.
     */
    public void demoteInPlace(PgNode node) {
        node.execute("ALTER SYSTEM SET default_transaction_read_only = on");
        node.execute("SELECT pg_reload_conf()");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (node.role() != Role.READ_ONLY) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node.name() + " did not turn read-only");
            }
            PgNode.sleep(10);
        }
        log.info("node {} demoted in place (read-only, connections kept)", node.name());
    }

    /**
     * Starts a stopped or killed old primary as it is, so that it believes it is still the primary on its
     * old timeline: split brain, as when a lost region comes back.
     */
    public void restartAsStalePrimary(PgNode node) {
        if (node.isRunning()) {
            throw new IllegalStateException("node " + node.name() + " is running; kill() or stop() it first");
        }
        node.forgetStandbyConfiguration();
        node.start();
        log.info("node {} restarted as a stale primary on timeline {}", node.name(), node.timeline());
    }

    /**
     * Makes {@code node} a standby of the current primary again: stops it, re-clones it from the primary
     * (it may have diverged) and starts it following the primary. Undoes demote-in-place and stale restarts.
     */
    public void reattachAsStandby(PgNode node) {
        PgNode p = nodes().stream().filter(n -> n != node && n.role() == Role.PRIMARY).findFirst()
                .orElseThrow(() -> new IllegalStateException("no other writable primary to attach node " + node.name() + " to: " + describe()));
        node.cloneFrom(p);
        awaitStreaming(node, Duration.ofSeconds(60));
        applySynchronousSetting(p);
        log.info("node {} re-attached as a standby of {}", node.name(), p.name());
    }

    /**
     * With synchronous replication, a primary waits for a standby only while one is attached, as Patroni's
     * non-strict synchronous mode does: after a failover the new primary takes writes until a standby is
     * re-attached, then commits wait for it again.
     */
    private void applySynchronousSetting(PgNode primary) {
        if (!config.synchronous) {
            return;
        }
        boolean standbyAttached = primary.queryForLong("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") > 0;
        setSynchronousStandbyNames(primary, standbyAttached ? "*" : "");
        if (standbyAttached) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (primary.queryForLong("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the standby of " + primary.name() + " did not become synchronous");
                }
                PgNode.sleep(10);
            }
        }
    }

    /**
     * Sets {@code synchronous_standby_names} on {@code node}, reloads its configuration and waits until new sessions
     * see the value: a reload is asynchronous, and a commit right after it may still follow the old setting.
     */
    private static void setSynchronousStandbyNames(PgNode node, String value) {
        node.execute("ALTER SYSTEM SET synchronous_standby_names = '" + value + "'");
        node.execute("SELECT pg_reload_conf()");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!value.equals(node.queryForString("SELECT current_setting('synchronous_standby_names')"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node.name() + " did not reload synchronous_standby_names = '" + value + "'");
            }
            PgNode.sleep(2);
        }
    }

    private void promote(PgNode node) {
        if (config.synchronous) {
            // A clone copies the primary's synchronous_standby_names. Cleared before the promotion, not after it: the
            // new primary has no standby yet, and its first commits must not wait for one (see applySynchronousSetting).
            setSynchronousStandbyNames(node, "");
        }
        if (node.queryForLong("SELECT CASE WHEN pg_promote(true, 60) THEN 1 ELSE 0 END") != 1) {
            throw new IllegalStateException("node " + node.name() + " did not finish promotion within 60 s; log:\n"
                    + node.server().logTail(20));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (node.role() != Role.PRIMARY) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node.name() + " is not writable after promotion");
            }
            PgNode.sleep(5);
        }
    }

    private static void awaitReplayOfEverythingReceived(PgNode standby, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (standby.queryForLong("SELECT CASE WHEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 1 ELSE 0 END") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("standby " + standby.name() + " did not replay what it received within " + timeout);
            }
            PgNode.sleep(5);
        }
    }

    private void awaitStreaming(PgNode standby, Duration timeout) {
        standby.server().await(Instant.now().plus(timeout), Duration.ofMillis(20), "starting to stream from the primary", () -> {
            try (Connection c = standby.connectDirect(5); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status FROM pg_stat_wal_receiver")) {
                return rs.next() && "streaming".equals(rs.getString(1));
            }
        }, () -> "standby " + standby.name() + " is not streaming after " + timeout.toSeconds() + " s.");
    }

    /** One line per node: name, region, role. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (PgNode n : nodes()) {
            parts.add(n.name() + "(" + n.region() + ")=" + n.role());
        }
        return String.join(", ", parts);
    }

    /** Process ids of PostgreSQL servers this JVM's testkits started that are still running. */
    public static List<Long> runningServerPids() {
        return PgNode.runningStartedPids();
    }

    /** Stops both nodes and the proxies, and deletes the data directories (unless -Dhadr4j.pg.keep=true). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        for (PgNode n : nodes()) {
            try {
                n.proxy().close();
                n.kill();
            } catch (RuntimeException e) {
                log.warn("could not stop node {}", n.name(), e);
            }
        }
        if (Boolean.getBoolean("hadr4j.pg.keep")) {
            log.info("keeping {} (-Dhadr4j.pg.keep=true)", baseDir);
        } else {
            PgFiles.deleteTree(baseDir);
        }
    }

    @Override
    public String toString() {
        return "TwoRegionPostgres[" + a + ", " + b + "]";
    }

    /** Settings for a {@link TwoRegionPostgres}; {@link #build()} checks them. */
    public static final class Builder {
        private String regionA = "region-a";
        private String regionB = "region-b";
        private boolean synchronous;
        private boolean durable;
        private String password = "hadr4j-test-secret";

        private Builder() {
        }

        /** Region names of node A (the first primary) and node B (the first standby). */
        public Builder regions(String regionA, String regionB) {
            this.regionA = regionA;
            this.regionB = regionB;
            return this;
        }

        /** When true, a commit on the primary waits until the standby has it (RPO 0 on failover). */
        public Builder synchronousReplication(boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }

        /** When true, the servers fsync (slower). Off by default: a killed process keeps its writes in the OS cache. */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /** The superuser's password. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public TwoRegionPostgres build() {
            if (regionA == null || regionA.isBlank() || regionB == null || regionB.isBlank()) {
                throw new IllegalArgumentException("regions(a, b) needs two non-blank region names, got '" + regionA + "' and '" + regionB + "'");
            }
            if (regionA.equals(regionB)) {
                throw new IllegalArgumentException("regions(a, b) needs two different region names, got '" + regionA + "' twice");
            }
            if (password == null || password.isEmpty() || password.contains("'") || password.contains(" ") || password.contains("\\")) {
                throw new IllegalArgumentException("password(...) must be non-empty and contain no quote, backslash or space");
            }
            return new TwoRegionPostgres(this);
        }
    }
}
