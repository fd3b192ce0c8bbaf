package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static io.hadr4j.core.datasource.PgRouterSupport.inRecovery;
import static io.hadr4j.core.datasource.PgRouterSupport.serverPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/** Steady state on the real primary and standby: writes to the primary, reads follow the lag bound. */
class ReadRoutingTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @AfterEach
    void closeRouter() {
        if (env.ds != null) env.ds.close();
        env.db.nodeB().proxy().heal();
        env.db.nodeB().execute("SELECT pg_wal_replay_resume()");
    }

    @Test
    void writesGoToThePrimaryAndTheSnapshotShowsBothNodes() throws SQLException {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").build());
        assertSame(Dialect.POSTGRESQL, ds.dialect(), "detected from the driver's metadata");
        try (Connection c = ds.getConnection()) {
            assertFalse(inRecovery(c));
            assertEquals(env.db.nodeA().port(), serverPort(c));
        }
        RouterSnapshot s = ds.snapshot();
        assertEquals("a", s.writeEndpoint());
        assertEquals(Role.PRIMARY, s.endpoint("a").role());
        assertEquals(Role.SECONDARY, s.endpoint("b").role());
        assertEquals(env.db.nodeA().timeline(), s.endpoint("a").epoch());
        assertEquals(env.db.nodeB().timeline(), s.endpoint("b").epoch());
        assertNotNull(s.endpoint("a").lastProbeAt());
        assertTrue(env.events().stream().anyMatch(e -> e.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED && "a".equals(e.writer())
                && e.previousWriter() == null), "a listener given to create() sees the first route: " + env.events());
        String text = s + " " + ds + " " + env.events();
        assertFalse(text.contains(env.db.nodeA().password()), "no password in snapshot, toString or events: " + text);
    }

    @Test
    void readsGoToTheLocalSecondaryOnlyWhileItsLagIsUnderTheBound() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").maxReadLag(Duration.ofSeconds(1)).build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        try (Connection c = ds.readOnly().getConnection()) {
            assertTrue(inRecovery(c), "a fresh local secondary serves reads");
            assertEquals(b.port(), serverPort(c));
        }
        assertEquals(List.of("b"), ds.snapshot().readEndpoints(), "the snapshot shows the read route");
        // Replay paused on the standby while the primary keeps writing: the standby falls behind.
        b.execute("SELECT pg_wal_replay_pause()");
        long id = 1_000_000;
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!behind(ds) && System.nanoTime() < until) {
            PgRouterSupport.insert(ds, id++);
            PgRouterSupport.sleep(100);
        }
        assertTrue(behind(ds), "lag grows while replay is paused: " + ds.snapshot());
        try (Connection c = ds.readOnly().getConnection()) {
            assertFalse(inRecovery(c), "a secondary behind the bound is not used: " + ds.snapshot());
            assertEquals(a.port(), serverPort(c));
        }
        await("no secondary in the read route", Duration.ofSeconds(5), () -> ds.snapshot().readEndpoints().isEmpty());
        assertTrue(ds.snapshot().readable(), "reads still have the primary: " + ds.snapshot());
        b.execute("SELECT pg_wal_replay_resume()");
        await("the standby to catch up and serve reads again", Duration.ofSeconds(15),
                () -> ds.snapshot().endpoint("b").lag() != null && ds.snapshot().endpoint("b").lag().compareTo(Duration.ofSeconds(1)) <= 0);
        await("reads back on the secondary", Duration.ofSeconds(5), () -> readsOn(ds, b.port()));
    }

    @Test
    void readsFallBackToThePrimaryWhenTheSecondaryIsDown() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").build());
        PgNode b = env.db.nodeB();
        assertTrue(readsOn(ds, b.port()));
        b.proxy().refuse();
        PgRouterSupport.sleep(300); // let a connection the pool was opening right now finish, so that drop() gets it
        b.proxy().drop();
        env.poolB.getHikariPoolMXBean().softEvictConnections();
        await("no connection through b's proxy", Duration.ofSeconds(5), () -> b.proxy().openConnections() == 0);
        for (int i = 0; i < 5; i++) { // right away, before or after the probe notices: never an error
            try (Connection c = ds.readOnly().getConnection()) {
                assertEquals(env.db.nodeA().port(), serverPort(c));
            }
        }
        await("the probe to see b down", Duration.ofSeconds(5), () -> ds.snapshot().endpoint("b").role() == Role.DOWN);
        assertNotNull(ds.snapshot().endpoint("b").lastError());
        b.proxy().heal();
        await("reads back on b after it heals", Duration.ofSeconds(15), () -> readsOn(ds, b.port()));
    }

    @Test
    void readsGoToThePrimaryWhenNoSecondaryIsInTheLocalRegion() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        assertTrue(readsOn(ds, env.db.nodeA().port()));
    }

    @Test
    void twoEndpointsThatReachTheSameServerAreOneNodeNotASplitBrain() throws Exception {
        PgNode a = env.db.nodeA();
        // As with an Azure SQL failover-group listener next to the server's own name: two names, one server.
        try (com.zaxxer.hikari.HikariDataSource direct = PgRouterSupport.pool(a, 2, a.directJdbcUrl(), "pool-a-direct")) {
            RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").failoverTimeout(Duration.ofSeconds(2)).build(),
                    Endpoint.of("a-listener", a.region(), env.poolA, 0), Endpoint.of("a-direct", a.region(), direct, 1),
                    Endpoint.of("b", env.db.nodeB().region(), env.poolB, 0));
            RouterSnapshot s = ds.snapshot();
            assertEquals("a-listener", s.writeEndpoint(), "the preferred (lower priority) name of the one primary: " + s);
            assertEquals(s.endpoint("a-listener").server(), s.endpoint("a-direct").server());
            assertFalse(s.endpoint("a-direct").fenced(), s.toString());
            assertTrue(env.events().stream().noneMatch(e -> e.type() == RouterEvent.Type.SPLIT_BRAIN), env.events().toString());
            assertEquals(a.port(), PgRouterSupport.insert(ds, 2_000_000));
            ds.close();
        }
    }

    private static boolean behind(RegionAwareDataSource ds) {
        Duration lag = ds.snapshot().endpoint("b").lag();
        return lag == null || lag.compareTo(Duration.ofSeconds(1)) > 0;
    }

    private static boolean readsOn(RegionAwareDataSource ds, int port) {
        try (Connection c = ds.readOnly().getConnection()) {
            return serverPort(c) == port;
        } catch (SQLException e) {
            return false;
        }
    }
}
