package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/** kill -9 of the primary, synchronous replication: bounded waits while there is no primary, no acknowledged write lost. */
class ForcedFailoverTest {

    private static final Duration BOUND = Duration.ofSeconds(2);
    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(true, 4);

    @Test
    void writesWaitBoundedWhileNoPrimaryThenResumeOnThePromotedStandbyWithoutLoss() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").failoverTimeout(BOUND).build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        RegionAwareDataSource waiter = null;
        WriteLoad load = new WriteLoad(ds, 1);
        try {
            await("writes on a", Duration.ofSeconds(10), () -> load.acknowledgedOn(a.port()) >= 50);
            a.kill();

            // No primary: getConnection() waits about the bound, then names every endpoint and what was seen of it.
            // (The very first attempts may still get a pooled connection that only fails when used.)
            SQLException e = null;
            long waitedMs = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (e == null && System.nanoTime() < until) {
                long t0 = System.nanoTime();
                try (Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                } catch (SQLException x) {
                    if (RegionAwareDataSource.SQLSTATE_NO_PRIMARY.equals(x.getSQLState())) e = x;
                }
                waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                // Never hangs: the bound, plus at most the pool's own connection timeout per retry attempt, plus slack.
                assertTrue(waitedMs < BOUND.toMillis() + 3 * 1000 + 5000 + 3000, "an attempt took " + waitedMs + " ms");
            }
            assertNotNull(e, "getConnection() failed with the router's own error while there was no primary");
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("a [region-a]: DOWN"), e.getMessage());
            assertTrue(e.getMessage().contains("b [region-b]: SECONDARY"), e.getMessage());
            assertFalse(e.getMessage().contains(a.password()), "no secret in the message");
            assertTrue(waitedMs >= BOUND.toMillis() - 100, "gave up before the bound: " + waitedMs + " ms");
            assertEquals(Role.DOWN, ds.snapshot().endpoint("a").role());
            assertTrue(env.hasEvent(RouterEvent.Type.NO_PRIMARY, null));

            // close() wakes a thread that waits for a primary (with a bound far longer than the test).
            waiter = env.start(PgRouterSupport.fastConfig("region-a").failoverTimeout(Duration.ofMinutes(5)).build());
            RegionAwareDataSource w = waiter;
            CompletableFuture<Connection> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return w.getConnection();
                } catch (SQLException x) {
                    throw new IllegalStateException(x);
                }
            });
            PgRouterSupport.sleep(500);
            assertFalse(blocked.isDone(), "waits while there is no primary");
            waiter.close();
            ExecutionException closed = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
            assertEquals(RegionAwareDataSource.SQLSTATE_CLOSED, ((SQLException) closed.getCause().getCause()).getSQLState());

            long ackedOnB = load.acknowledgedOn(b.port());
            assertEquals(0, ackedOnB, "no write can succeed before the promotion");
            env.db.failover();
            await("writes resumed on b", Duration.ofSeconds(30), () -> load.acknowledgedOn(b.port()) >= 50);
        } finally {
            load.close();
            if (waiter != null) waiter.close();
        }
        List<Long> acked = load.ids();
        long lost = acked.size() - PgRouterSupport.countPresent(b, acked);
        System.out.println("forced failover: " + acked.size() + " acknowledged writes, " + lost + " lost, "
                + load.failures.size() + " failed attempts");
        assertEquals(0, lost, "synchronous replication: no acknowledged write may be lost");
        RouterSnapshot s = ds.snapshot();
        assertEquals("b", s.writeEndpoint());
        assertEquals("a", s.lastFailoverFrom());
        assertEquals("b", s.lastFailoverTo());
        assertNotNull(s.lastFailoverDuration());
        assertTrue(s.endpoint("b").epoch() > 1, "the promoted standby is on a new timeline: " + s);
        ds.close();
    }
}
