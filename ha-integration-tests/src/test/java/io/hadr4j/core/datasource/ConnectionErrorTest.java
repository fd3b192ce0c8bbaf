package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static io.hadr4j.core.datasource.PgRouterSupport.backendPid;
import static io.hadr4j.core.datasource.PgRouterSupport.serverPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import io.hadr4j.testkit.PgNode;

/**
 * Connections handed out before a role change. The background probe is set to a minute, so anything that happens
 * within the test was triggered by the connection's own error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectionErrorTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @AfterEach
    void closeRouter() {
        if (env.ds != null) env.ds.close();
    }

    private static RegionAwareDataSource router() {
        return env.start(PgRouterSupport.fastConfig("region-a").probeInterval(Duration.ofMinutes(1)).build());
    }

    @Test
    @Order(0)
    void aSlowEndpointDoesNotMakeTheRouterProbeContinuously() throws Exception {
        RegionAwareDataSource ds = router();
        PgNode standby = env.db.nodeB();
        // Every round trip to the standby takes 80 ms more: a round waits for its probe for some hundred ms, and
        // meanwhile re-asks the primary every 25 ms; the last of those answers comes after the round has ended.
        standby.proxy().delay(Duration.ofMillis(40));
        try {
            ds.probeNow();
            assertEquals(Role.SECONDARY, ds.snapshot().endpoint("b").role(), ds.snapshot()::toString);
            long rounds = ds.snapshot().probeRounds();
            PgRouterSupport.sleep(1500);
            assertEquals(rounds, ds.snapshot().probeRounds(),
                    "a late answer that nobody waits for is taken up by the next periodic round, a minute away");
        } finally {
            standby.proxy().heal();
        }
    }

    @Test
    @Order(1)
    void aReadOnlyErrorOnAHandedOutConnectionSwitchesAtOnceAndEvictsTheDemotedPool() throws Exception {
        RegionAwareDataSource ds = router();
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        // Two connections of a's pool in use, so that the pool holds several physical connections.
        Connection held = ds.getConnection();
        int heldPid = backendPid(held);
        try (Connection other = ds.getConnection()) {
            assertEquals(a.port(), serverPort(other));
        }
        List<Integer> before = new ArrayList<>(PgRouterSupport.pidsOf(a, "pool-a"));
        assertTrue(before.contains(heldPid));
        long roundsBefore = ds.snapshot().probeRounds();

        env.db.demoteInPlace(a);
        env.db.failover(); // b is promoted while a is still up, read-only, with our connection open
        assertEquals(roundsBefore, ds.snapshot().probeRounds(), "no probe ran on its own (the interval is a minute)");
        assertEquals("a", ds.snapshot().writeEndpoint(), "the router has not noticed yet");

        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = held.createStatement()) {
                st.executeUpdate("INSERT INTO writes(id, port) VALUES (1, inet_server_port())");
            }
        });
        assertEquals("25006", e.getSQLState(), "the application sees the database's own error");
        assertEquals(1, e.getSuppressed().length, "with the router's view attached");
        assertTrue(e.getSuppressed()[0].getMessage().contains("a [region-a]: PRIMARY")
                && e.getSuppressed()[0].getMessage().contains("b [region-b]: SECONDARY"), e.getSuppressed()[0].getMessage());
        held.close();

        // The very next getConnection() goes to the new primary: the error made the router re-probe at once.
        try (Connection c = ds.getConnection()) {
            assertEquals(b.port(), serverPort(c));
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO writes(id, port) VALUES (1, inet_server_port())");
            }
        }
        // The route switched as soon as b answered with the newer timeline; a's own answer may still be on its way
        // (a suspect endpoint is waited for only briefly). A complete round shows it.
        ds.probeNow();
        RouterSnapshot s = ds.snapshot();
        assertEquals("b", s.writeEndpoint());
        assertEquals(Role.READ_ONLY, s.endpoint("a").role());
        assertTrue(s.endpoint("a").fenced(), "a demoted primary on an older timeline is fenced: " + s);
        assertTrue(s.probeRounds() > roundsBefore);
        assertTrue(env.events().stream().anyMatch(ev -> ev.type() == RouterEvent.Type.CONNECTION_ERROR && "a".equals(ev.endpoint())
                && ev.cause().contains("read-only")), env.events().toString());
        assertTrue(env.hasEvent(RouterEvent.Type.POOL_EVICTED, "a"));
        // Every physical connection of a's pool that existed before the demotion is gone (the held one included).
        await("a's old pool connections closed", Duration.ofSeconds(10), () -> {
            try {
                List<Integer> now = PgRouterSupport.pidsOf(a, "pool-a");
                return before.stream().noneMatch(now::contains);
            } catch (SQLException x) {
                return false;
            }
        });
        // Restore: a follows b again.
        env.db.reattachAsStandby(a);
    }

    @Test
    @Order(2)
    void aConnectionLostErrorTriggersAnImmediateReprobe() throws Exception {
        RegionAwareDataSource ds = router();
        PgNode primary = env.db.primary();
        String name = endpointOf(primary);
        assertEquals(name, ds.snapshot().writeEndpoint());
        Connection held = ds.getConnection();
        long roundsBefore = ds.snapshot().probeRounds();
        Instant errorAt = Instant.now();
        primary.proxy().drop();
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = held.createStatement()) {
                st.execute("SELECT 1");
            }
        });
        assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());
        held.close();
        awaitReprobe(ds, name, roundsBefore, errorAt);
        try (Connection c = ds.getConnection()) {
            assertEquals(primary.port(), serverPort(c), "still the same primary: a dropped connection is not a failover");
        }
        assertEquals(name, ds.snapshot().writeEndpoint());
    }

    @Test
    @Order(3)
    void aConnectionLostWhileReadingAResultTriggersAnImmediateReprobe() throws Exception {
        RegionAwareDataSource ds = router();
        PgNode primary = env.db.primary();
        String name = endpointOf(primary);
        Connection held = ds.getConnection();
        held.setAutoCommit(false); // so that pgjdbc streams the result in fetches of 10 rows
        Statement st = held.createStatement();
        st.setFetchSize(10);
        ResultSet rs = st.executeQuery("SELECT g FROM generate_series(1, 100000) g");
        for (int i = 1; i <= 5; i++) {
            assertTrue(rs.next());
            assertEquals(i, rs.getInt(1));
        }
        assertSame(st, rs.getStatement(), "the result leads back to the router's statement, not the pool's");
        assertSame(held, rs.getStatement().getConnection());
        long roundsBefore = ds.snapshot().probeRounds();
        Instant errorAt = Instant.now();
        primary.proxy().drop();
        SQLException e = assertThrows(SQLException.class, () -> {
            while (rs.next()) {
                rs.getInt(1);
            }
        });
        assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());
        held.close();
        awaitReprobe(ds, name, roundsBefore, errorAt);
        try (Connection c = ds.getConnection()) {
            assertEquals(primary.port(), serverPort(c));
        }
    }

    @Test
    @Order(4)
    void aReprobeThatAnswersAfterItsRoundIsTakenUpAtOnceNotAtTheNextPeriodicProbe() throws Exception {
        RegionAwareDataSource ds = router();
        PgNode primary = env.db.primary();
        String name = endpointOf(primary);
        assertEquals(name, ds.snapshot().writeEndpoint());
        Connection held = ds.getConnection();
        assertEquals(primary.port(), serverPort(held));
        long roundsBefore = ds.snapshot().probeRounds();
        // Every round trip to the primary now takes 40 ms more: its re-probe answers after a few hundred ms, long
        // after the round that started it stopped waiting (a round waits only briefly for a suspect endpoint).
        primary.proxy().delay(Duration.ofMillis(40));
        env.db.demoteInPlace(primary);
        assertEquals(roundsBefore, ds.snapshot().probeRounds(), "no probe ran on its own (the interval is a minute)");
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = held.createStatement()) {
                st.executeUpdate("INSERT INTO writes(id, port) VALUES (4, inet_server_port())");
            }
        });
        assertEquals("25006", e.getSQLState());
        held.close();
        // Nobody asks for a connection, and the periodic probe is a minute away: only the re-probe's own answer
        // can bring about the round that sees the demotion.
        await(name + " seen READ_ONLY", Duration.ofSeconds(10), () -> ds.snapshot().endpoint(name).role() == Role.READ_ONLY);
        assertNull(ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
        assertTrue(env.hasEvent(RouterEvent.Type.POOL_EVICTED, name), env.events().toString());
        primary.proxy().heal();
    }

    /** The name the router gives {@code node}'s endpoint. */
    private static String endpointOf(PgNode node) {
        return node == env.db.nodeA() ? "a" : "b";
    }

    /**
     * Waits for the re-probe of {@code name} that a connection error triggered (the background probe is a minute
     * away). Rounds do not wait long for an endpoint that is suspect after a connection error (its probe goes on in
     * the background and asks for a round of its own when it answers), so this waits for the probe of that endpoint,
     * not just a round.
     */
    private static void awaitReprobe(RegionAwareDataSource ds, String name, long roundsBefore, Instant errorAt) {
        await("a re-probe of " + name + " after the error", Duration.ofSeconds(10), () -> ds.snapshot().probeRounds() > roundsBefore
                && !ds.snapshot().endpoint(name).lastProbeAt().isBefore(errorAt));
        RouterSnapshot.EndpointView v = ds.snapshot().endpoint(name);
        assertFalse(v.lastProbeAt().isBefore(errorAt), "probed after the error: " + v.describe());
        assertTrue(env.hasEvent(RouterEvent.Type.CONNECTION_ERROR, name), env.events().toString());
    }
}
