package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * Shared plumbing for the tests against the testkit's real PostgreSQL primary and standby, and the JUnit extension
 * that gives a test class its topology: {@code @RegisterExtension static final PgRouterSupport env =
 * PgRouterSupport.cluster(false, 4);} starts a two-region testkit (nodes a and b in region-a and region-b) with the
 * writes table and a pool of {@code poolSize} per node before the class's tests, and closes all of it after them.
 */
final class PgRouterSupport implements BeforeAllCallback, AfterAllCallback {

    private final boolean synchronous;
    private final int poolSize;
    TwoRegionPostgres db;
    HikariDataSource poolA;
    HikariDataSource poolB;
    final List<RouterEvent> events = new CopyOnWriteArrayList<>();
    RegionAwareDataSource ds;

    private PgRouterSupport(boolean synchronous, int poolSize) {
        this.synchronous = synchronous;
        this.poolSize = poolSize;
    }

    /** One topology for a test class; register it with {@code @RegisterExtension} on a static field. */
    static PgRouterSupport cluster(boolean synchronous, int poolSize) {
        return new PgRouterSupport(synchronous, poolSize);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db = TwoRegionPostgres.builder().regions("region-a", "region-b").synchronousReplication(synchronous).build().start();
        createWritesTable(db);
        poolA = pool(db.nodeA(), poolSize);
        poolB = pool(db.nodeB(), poolSize);
    }

    /** Closes the router, the pools and the testkit (whatever of them was started). */
    @Override
    public void afterAll(ExtensionContext context) {
        if (ds != null) ds.close();
        if (poolA != null) poolA.close();
        if (poolB != null) poolB.close();
        if (db != null) db.close();
    }

    /** A HikariCP pool through the node's fault proxy, with short timeouts so that faults show quickly. */
    static HikariDataSource pool(PgNode node, int size) {
        return pool(node, size, node.jdbcUrl(), "pool-" + node.name());
    }

    static HikariDataSource pool(PgNode node, int size, String jdbcUrl, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(node.user());
        c.setPassword(node.password());
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(Math.min(2, size));
        c.setConnectionTimeout(1000);
        c.setValidationTimeout(500);
        c.setInitializationFailTimeout(-1);
        c.setRegisterMbeans(false);
        c.addDataSourceProperty("connectTimeout", "2");
        c.addDataSourceProperty("socketTimeout", "5");
        c.addDataSourceProperty("ApplicationName", name);
        return new HikariDataSource(c);
    }

    RegionAwareDataSource start(RouterConfig config) {
        return start(config, Endpoint.of("a", db.nodeA().region(), poolA), Endpoint.of("b", db.nodeB().region(), poolB));
    }

    RegionAwareDataSource start(RouterConfig config, Endpoint... endpoints) {
        events.clear();
        ds = RegionAwareDataSource.create(config, List.of(endpoints), events::add);
        return ds;
    }

    static RouterConfig.Builder fastConfig(String localRegion) {
        return RouterConfig.custom().localRegion(localRegion).probeInterval(Duration.ofMillis(200))
                .probeTimeout(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(20)).maxReadLag(Duration.ofSeconds(1));
    }

    /** The real port of the server a connection is on (the proxy is transparent to inet_server_port()). */
    static int serverPort(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static boolean inRecovery(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Inserts row {@code id} through the router; returns the port of the server that committed it. */
    static int insert(RegionAwareDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO writes(id, port) VALUES (?, inet_server_port()) RETURNING port")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void createWritesTable(TwoRegionPostgres db) {
        db.primary().execute("CREATE TABLE IF NOT EXISTS writes (id bigint PRIMARY KEY, port int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    /** How many of {@code ids} are present on {@code node}. */
    static long countPresent(PgNode node, List<Long> ids) throws SQLException {
        return presentOn(node, ids).size();
    }

    /** Which of {@code ids} are present on {@code node}, in ascending order. */
    static List<Long> presentOn(PgNode node, List<Long> ids) throws SQLException {
        List<Long> present = new ArrayList<>();
        try (Connection c = node.directDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM writes WHERE id = ANY (?) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) present.add(rs.getLong(1));
            }
        }
        return present;
    }

    static List<Integer> pidsOf(PgNode node, String applicationName) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = node.directDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.await(what, timeout, condition);
    }

    static void sleep(long ms) {
        Await.sleep(ms);
    }

    /**
     * The events the router has delivered to this extension's listener, after waiting until those it had published
     * are all delivered (listeners run on the router's event thread, not the test's).
     */
    List<RouterEvent> events() {
        if (ds != null && !ds.isClosed() && !ds.awaitEvents(Duration.ofSeconds(30))) {
            throw new AssertionError("the router's events were not all delivered within 30 s");
        }
        return events;
    }

    boolean hasEvent(RouterEvent.Type type, String endpoint) {
        return events().stream().anyMatch(e -> e.type() == type && (endpoint == null || endpoint.equals(e.endpoint())));
    }
}
