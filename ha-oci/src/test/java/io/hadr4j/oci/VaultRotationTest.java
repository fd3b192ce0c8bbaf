package io.hadr4j.oci;

import static io.hadr4j.oci.FakeVault.SECRET_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * Rotation on a real database: 8 threads write through the region-aware DataSource over the testkit's PostgreSQL
 * primary and standby, with HikariCP pools whose connections get their credentials from {@link VaultCredentials},
 * while the application role's password is changed ({@code ALTER ROLE}) and the local Vault starts serving the new
 * version. No request fails, and once the old connections are retired every connection is one opened with the
 * new password (the old one no longer works).
 */
class VaultRotationTest {

    private static final int THREADS = 8;
    private static final TestKeys KEYS = new TestKeys();
    private static TwoRegionPostgres db;

    private OciTestServer server;
    private FakeVault vault;
    private VaultCredentials credentials;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private RegionAwareDataSource router;
    private Writers writers;
    private String password; // the role's current password in the database
    private static int round; // JUnit makes an instance per test: a new role and password each
    private String user; // a role per test

    @BeforeAll
    static void database() {
        db = TwoRegionPostgres.builder().regions("region-a", "region-b").build().start();
        db.primary().execute("CREATE TABLE rotation_writes (id bigserial PRIMARY KEY, thread int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    @AfterAll
    static void close() {
        if (db != null) db.close();
    }

    @BeforeEach
    void start() throws Exception {
        round++;
        password = "app-pw-" + round + "-one";
        user = "app" + round;
        db.primary().execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
        db.primary().execute("GRANT INSERT, SELECT ON rotation_writes TO " + user + "; GRANT USAGE ON SEQUENCE rotation_writes_id_seq TO "
                + user + "; GRANT pg_monitor TO " + user);
        db.awaitReplayed(Duration.ofSeconds(30));
        server = OciTestServer.start(KEYS);
        vault = new FakeVault(server, FakeVault.json(user, password));
    }

    @AfterEach
    void stop() {
        if (writers != null) writers.stop();
        if (router != null) router.close();
        pools.forEach(HikariDataSource::close);
        pools.clear();
        if (credentials != null) credentials.close();
        server.close();
    }

    /** The router over one pool per node; every pool's new connections take the newest credentials from Vault. */
    private void route(Duration refreshInterval) {
        credentials = VaultCredentials.custom().connection(KEYS.connection(server)).secretId(SECRET_ID)
                .refreshInterval(refreshInterval).build().start();
        List<Endpoint> endpoints = new ArrayList<>();
        for (PgNode node : db.nodes()) {
            PGSimpleDataSource driver = new PGSimpleDataSource();
            driver.setURL(node.jdbcUrl());
            driver.setApplicationName(appName(node));
            driver.setConnectTimeout(2);
            driver.setSocketTimeout(10);
            HikariConfig h = new HikariConfig();
            h.setPoolName("rotation-" + node.name());
            h.setDataSource(credentials.dataSource(driver)); // no username, no password on the pool
            h.setMaximumPoolSize(10);
            h.setMinimumIdle(10);
            h.setConnectionTimeout(10_000);
            h.setValidationTimeout(1_000);
            h.setInitializationFailTimeout(-1);
            h.setRegisterMbeans(false);
            HikariDataSource pool = new HikariDataSource(h);
            pools.add(pool);
            credentials.onRotation(c -> pool.getHikariPoolMXBean().softEvictConnections());
            endpoints.add(Endpoint.of(node.name(), node.region(), pool));
        }
        router = RegionAwareDataSource.create(RouterConfig.custom().localRegion("region-a").probeInterval(Duration.ofMillis(200))
                .probeTimeout(Duration.ofSeconds(2)).failoverTimeout(Duration.ofSeconds(20)).build(), endpoints);
        writers = new Writers(router);
    }

    private String appName(PgNode node) {
        return "rotation-" + round + "-" + node.name();
    }

    /** Retires every pooled connection as maxLifetime would: idle ones close now, busy ones when returned. */
    private void retireConnections() {
        pools.forEach(p -> p.getHikariPoolMXBean().softEvictConnections());
    }

    /**
     * The role's password changes in the database (on the primary, replicated to the standby); returns the primary's
     * clock right after the change committed: a backend that started later authenticated with the new password.
     */
    private String alterPassword(String next) throws SQLException {
        String at;
        try (Connection c = db.primary().directDataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + user + " PASSWORD '" + next + "'");
            try (ResultSet rs = st.executeQuery("SELECT clock_timestamp()::text")) {
                rs.next();
                at = rs.getString(1);
            }
        }
        password = next;
        db.awaitReplayed(Duration.ofSeconds(30));
        return at;
    }

    private static String now(PgNode node) {
        return node.queryForString("SELECT clock_timestamp()::text");
    }

    @Test
    void theDatabaseFirstThenVaultNoRequestFailsAndEveryNewConnectionUsesTheNewPassword() throws Exception {
        route(Duration.ofMinutes(10)); // no scheduled read during the test: only a refused connection makes it read again
        String old = password;
        writers.start();
        writers.awaitMore(200);

        String changed = alterPassword("app-pw-" + round + "-two");
        writers.awaitMore(200); // the open connections go on working: PostgreSQL checks a password only when connecting

        vault.rotate(FakeVault.json(user, password));
        retireConnections(); // new connections are needed now: the first one is refused with the old version
        await("a connection with version 2 of the secret", () -> credentials.lastWorking() != null && credentials.lastWorking().version() == 2);
        assertTrue(vault.reads().size() >= 2, "the refused connection made the source read the secret again at once (the interval is 10 min)");
        writers.awaitMore(300);
        for (PgNode node : db.nodes()) {
            await("every connection to " + node.name() + " opened after the password changed", () -> allOpenedAfter(node, changed));
        }
        writers.awaitMore(100);
        writers.stop();

        assertEquals(0, writers.failures.get(), "failed writes: " + writers.errors);
        assertTrue(writers.ok.get() >= 800, "writes: " + writers.ok.get());
        SQLException refused = assertThrows(SQLException.class, () -> connect(db.primary(), old).close());
        assertEquals("28P01", refused.getSQLState(), "the old password no longer works: " + refused.getMessage());
        connect(db.primary(), password).close();
        assertEquals(List.of(), server.problems());
    }

    @Test
    void vaultRotatedBeforeTheDatabaseFallsBackToTheVersionThatWorks() throws Exception {
        route(Duration.ofSeconds(1));
        writers.start();
        writers.awaitMore(200);

        String next = "app-pw-" + round + "-two";
        vault.rotate(FakeVault.json(user, next)); // the database still has the old password
        await("version 2 read on the interval", () -> credentials.current().version() == 2);
        retireConnections(); // new connections try version 2, are refused, and fall back to version 1
        writers.awaitMore(300);
        assertEquals(1, credentials.lastWorking().version(), "version 2 has not worked yet");

        String changed = alterPassword(next);
        retireConnections();
        await("a connection with version 2", () -> credentials.lastWorking().version() == 2);
        for (PgNode node : db.nodes()) {
            await("every connection to " + node.name() + " opened after the password changed", () -> allOpenedAfter(node, changed));
        }
        writers.awaitMore(200);
        writers.stop();
        assertEquals(0, writers.failures.get(), "failed writes: " + writers.errors);
        assertEquals(List.of(), server.problems());
    }

    @Test
    void vaultUnreachableDuringTheRunKeepsTheLastGoodCredentials() throws Exception {
        route(Duration.ofSeconds(1));
        writers.start();
        writers.awaitMore(200);
        long readsBefore = vault.reads().size();
        vault.down(server.noAnswer());
        await("a failed read on the interval", () -> Boolean.TRUE.equals(health().data().get("stale")));
        String evicted = now(db.primary());
        retireConnections(); // new connections while Vault does not answer: they use the last good credentials
        for (PgNode node : db.nodes()) {
            await("new connections to " + node.name() + " while Vault is down", () -> allOpenedAfter(node, evicted));
        }
        writers.awaitMore(300);
        HealthResult h = health();
        assertEquals("UP", h.status().name());
        assertTrue(String.valueOf(h.data().get("lastError")).contains("OCI did not answer in time"), h.data().toString());
        assertTrue(vault.reads().size() > readsBefore);
        vault.up();
        await("Vault read again", () -> Boolean.FALSE.equals(health().data().get("stale")));
        writers.stop();
        assertEquals(0, writers.failures.get(), "failed writes: " + writers.errors);
        assertFalse(h.toString().contains(password));
    }

    private HealthResult health() {
        try {
            return credentials.healthCheck().check();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the node's pool has connections and every one of them started after {@code t} (the primary's clock). */
    private boolean allOpenedAfter(PgNode node, String t) {
        try (Connection c = node.directDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE backend_start <= ?::timestamptz) FROM pg_stat_activity"
                     + " WHERE application_name = ?")) {
            ps.setString(1, t);
            ps.setString(2, appName(node));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0 && rs.getLong(2) == 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect(PgNode node, String pw) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", pw);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(node.directJdbcUrl(), p);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** {@value #THREADS} threads that insert rows through the router until stopped, counting what worked and what failed. */
    private static final class Writers {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final RegionAwareDataSource ds;

        Writers(RegionAwareDataSource ds) {
            this.ds = ds;
        }

        void start() {
            running.set(true);
            for (int t = 0; t < THREADS; t++) {
                int n = t;
                Thread w = new Thread(() -> {
                    while (running.get()) {
                        try (Connection c = ds.getConnection();
                             PreparedStatement ps = c.prepareStatement("INSERT INTO rotation_writes(thread) VALUES (?)")) {
                            ps.setInt(1, n);
                            ps.executeUpdate();
                            ok.incrementAndGet();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            if (errors.size() < 20) errors.add(Secrets.safeMessage(e));
                        }
                    }
                }, "writer-" + t);
                w.setDaemon(true);
                threads.add(w);
                w.start();
            }
        }

        /** Waits until {@code n} more writes succeeded (or fails when writes stop succeeding). */
        void awaitMore(long n) throws InterruptedException {
            long target = ok.get() + n;
            await(n + " more writes (failures so far: " + failures.get() + " " + errors + ")", () -> ok.get() >= target);
        }

        void stop() {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            threads.clear();
        }
    }
}
