package io.hadr4j.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fault of the proxy in front of a node, seen by a real JDBC client. */
class FaultProxyTest {
    private static TwoRegionPostgres db;
    private static PgNode node;

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().build().start();
        node = db.nodeA();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @AfterEach
    void heal() {
        node.proxy().heal();
    }

    private static Connection connect(int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", node.user());
        p.setProperty("password", node.password());
        p.setProperty("connectTimeout", "2");
        p.setProperty("loginTimeout", "2");
        p.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        return DriverManager.getConnection(node.jdbcUrl(), p);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void forwardsQueriesToTheNode() throws Exception {
        try (Connection c = connect(5)) {
            assertEquals(1, selectOne(c));
            assertEquals(1, node.proxy().openConnections());
        }
    }

    @Test
    void refuseRejectsNewConnectionsButKeepsOpenOnes() throws Exception {
        try (Connection open = connect(5)) {
            node.proxy().refuse();
            SQLException e = assertThrows(SQLException.class, () -> connect(5).close());
            assertEquals("08001", e.getSQLState(), "connection refused: " + e.getMessage());
            assertEquals(1, selectOne(open), "the connection opened before still works");
            node.proxy().heal();
            try (Connection again = connect(5)) {
                assertEquals(1, selectOne(again));
            }
        }
    }

    @Test
    void dropResetsOpenConnections() throws Exception {
        try (Connection open = connect(5)) {
            assertEquals(1, selectOne(open));
            node.proxy().drop();
            SQLException e = assertThrows(SQLException.class, () -> selectOne(open));
            assertTrue(e.getSQLState().startsWith("08"), "connection lost: " + e.getSQLState() + " " + e.getMessage());
            try (Connection again = connect(5)) {
                assertEquals(1, selectOne(again), "new connections still work after a drop");
            }
        }
    }

    @Test
    void stallBlackHolesUntilTheClientsTimeoutAndHealResumes() throws Exception {
        try (Connection open = connect(1)) {
            node.proxy().stall();
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> selectOne(open));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waitedMs >= 900, "the query hung until the 1 s socket timeout, waited " + waitedMs + " ms");
            assertTrue(e.getSQLState().startsWith("08"), e.getSQLState() + " " + e.getMessage());
            // a new connection is accepted at TCP level but never answered
            assertThrows(SQLException.class, () -> connect(1).close());
        }
        node.proxy().heal();
        // a query already in flight when the stall begins completes after heal
        try (Connection open = connect(30)) {
            node.proxy().stall();
            CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return selectOne(open);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(inFlight.isDone(), "nothing passes while stalled");
            node.proxy().heal();
            assertEquals(1, inFlight.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void delaySlowsEveryRoundTrip() throws Exception {
        try (Connection c = connect(10)) {
            selectOne(c);
            node.proxy().delay(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            assertEquals(1, selectOne(c));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 380, "a round trip crosses the proxy twice, each delayed 200 ms; took " + ms + " ms");
        }
    }

    /** A proxy of one's own, for a server that does not exist yet: refused until it is retargeted and healed. */
    @Test
    void aProxyOfOnesOwnIsRetargetedToAnotherServer() throws Exception {
        try (FaultProxy later = FaultProxy.to("later", db.nodeB().port())) {
            later.refuse();
            Properties p = new Properties();
            p.setProperty("user", node.user());
            p.setProperty("password", node.password());
            p.setProperty("connectTimeout", "2");
            String url = "jdbc:postgresql://127.0.0.1:" + later.port() + "/" + node.database();
            assertThrows(SQLException.class, () -> DriverManager.getConnection(url, p).close(), "refused while there is no server");
            later.retarget(node.port());
            later.heal();
            try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertFalse(rs.getBoolean(1), "the proxy now leads to node a, the primary (it was made for b, the standby)");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FaultProxy.to(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> node.proxy().retarget(0));
    }
}
