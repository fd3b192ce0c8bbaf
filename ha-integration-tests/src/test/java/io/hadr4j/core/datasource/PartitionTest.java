package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static io.hadr4j.core.datasource.PgRouterSupport.serverPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/** The application loses its network path to the primary; nobody promotes anything. */
class PartitionTest {

    private static final Duration BOUND = Duration.ofSeconds(2);
    // The pools' socketTimeout (5 s): a statement on a connection that was healthy when handed out may take that long.
    private static final long NEVER_HANG_MS = BOUND.toMillis() + 3 * 1000 + 5000 + 3000;
    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    void writesFailClearlyReadsContinueAndEverythingRecoversWhenHealed() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").failoverTimeout(BOUND)
                .probeTimeout(Duration.ofMillis(500)).build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        long id = 1;
        assertEquals(a.port(), PgRouterSupport.insert(ds, id++));
        long epoch = ds.snapshot().endpoint("a").epoch();

        a.proxy().stall();
        SQLException clear = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (clear == null && System.nanoTime() < until) {
            long t0 = System.nanoTime();
            try {
                PgRouterSupport.insert(ds, id++);
            } catch (SQLException e) {
                if (RegionAwareDataSource.SQLSTATE_NO_PRIMARY.equals(e.getSQLState())) clear = e;
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < NEVER_HANG_MS, "a write attempt took " + ms + " ms");
        }
        assertNotNull(clear, "writes fail with the router's own error once the primary is unreachable");
        assertTrue(clear.getMessage().contains("a [region-a]: DOWN"), clear.getMessage());
        assertTrue(clear.getMessage().contains("b [region-b]: SECONDARY"), clear.getMessage());

        // Reads go on from the secondary, which still streams from the primary over its own path.
        for (int i = 0; i < 5; i++) {
            try (Connection c = ds.readOnly().getConnection()) {
                assertEquals(b.port(), serverPort(c));
            }
        }

        a.proxy().heal();
        long[] next = {id};
        await("writes back on a after healing", Duration.ofSeconds(30), () -> {
            try {
                return PgRouterSupport.insert(ds, next[0]++) == a.port();
            } catch (SQLException e) {
                return false;
            }
        });
        RouterSnapshot s = ds.snapshot();
        assertEquals("a", s.writeEndpoint());
        assertEquals(epoch, s.endpoint("a").epoch(), "same primary, same timeline");
        assertNull(s.lastFailoverTo(), "no failover happened: " + s);
        assertTrue(env.events().stream().anyMatch(e -> e.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED && "a".equals(e.writer())
                && e.cause().contains("again")), env.events().toString());
        ds.close();
    }

    /**
     * The router registers a connection for aborting at its first use, not when it hands it out; a connection
     * taken before the endpoint was withdrawn and first used after must not slip through and block on the
     * stalled server: it fails at once with a connection error that says why, and goes back to the pool.
     */
    @Test
    void aConnectionTakenBeforeTheWithdrawalAndUsedAfterFailsAtOnce() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").failoverTimeout(BOUND)
                .probeTimeout(Duration.ofMillis(500)).build());
        PgNode a = env.db.nodeA();
        PgRouterSupport.insert(ds, 1_000_000);
        Connection early = ds.getConnection(); // handed out, never used yet
        Connection earlyRead = ds.readOnly().getConnection();
        a.proxy().stall();
        try {
            await("the router withdraws a", Duration.ofSeconds(30), () -> ds.snapshot().endpoint("a").role() == Role.DOWN);
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> early.createStatement().execute("SELECT 1"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("08006", e.getSQLState(), e.toString());
            assertTrue(e.getMessage().contains("write connection to a was taken before the router withdrew that endpoint because it is unreachable"),
                    e.getMessage());
            assertTrue(ms < NEVER_HANG_MS, "the first use took " + ms + " ms");
            if (earlyRead.unwrap(RouterConnection.class).nodeName().equals("a")) {
                assertThrows(SQLException.class, earlyRead::getAutoCommit, "a read connection to a is withdrawn too");
            }
            early.close();
            earlyRead.close();
            await("no connection of a's pool is left in use", Duration.ofSeconds(10),
                    () -> env.poolA.getHikariPoolMXBean().getActiveConnections() == 0);
        } finally {
            a.proxy().heal();
        }
        long[] next = {1_000_001};
        await("writes back on a after healing", Duration.ofSeconds(30), () -> {
            try {
                return PgRouterSupport.insert(ds, next[0]++) == a.port();
            } catch (SQLException ex) {
                return false;
            }
        });
        ds.close();
    }

    @Test
    void withdrawalsOfWriteConnectionsOnlyLeaveReadConnectionsAlone() {
        int taken = 0x0003_0005;
        assertFalse(Withdrawals.withdrawnSince(taken, taken, true));
        assertFalse(Withdrawals.withdrawnSince(taken, taken, false));
        int demoted = taken + (1 << 16);
        assertTrue(Withdrawals.withdrawnSince(taken, demoted, true));
        assertFalse(Withdrawals.withdrawnSince(taken, demoted, false), "a demotion withdraws write connections only");
        int down = taken + 1;
        assertTrue(Withdrawals.withdrawnSince(taken, down, true));
        assertTrue(Withdrawals.withdrawnSince(taken, down, false));
        assertTrue(Withdrawals.withdrawnSince(0x0000_FFFF, 0x0000_FFFF + 1, false), "the low half's carry still reads as a change");
    }
}
