package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.testkit.PgNode;

/**
 * The pool of an endpoint the router cannot use (down, or fenced) is not refilled until the endpoint is usable again,
 * and then at once. Why: HikariCP's one connection-adder thread backs off while its server refuses connections (10 ms,
 * doubling, up to 5 s in HikariCP 6) and sleeps out the back-off it is in after the server is back, so the pool of a
 * node that was down for a few seconds stayed empty for seconds after it returned: the tail of {@code bench/run soak}
 * (a failback to a node re-attached shortly before). The router sets such a pool's minimumIdle to 0 while the endpoint
 * is unusable, evicts its idle connections, and puts minimumIdle back, with a refill, the round the endpoint is usable.
 * The time saved is measured by the soak benchmark; these tests pin the mechanism on the real primary and standby.
 * Each test finds the roles as the one before left them.
 */
class PoolRefillTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    private static HikariDataSource poolOf(PgNode node) {
        return node == env.db.nodeA() ? env.poolA : env.poolB;
    }

    private static int total(HikariDataSource pool) {
        return pool.getHikariPoolMXBean().getTotalConnections();
    }

    private static void awaitSeen(RegionAwareDataSource ds, PgNode node, Role role, boolean fenced) {
        await(node.name() + " seen " + role + (fenced ? ", fenced" : ""), Duration.ofSeconds(30), () -> {
            RouterSnapshot.EndpointView v = ds.snapshot().endpoint(node.name());
            return v.role() == role && v.fenced() == fenced;
        });
    }

    /** The pool holds minimumIdle connections again, and they reach the standby. */
    private static void assertRefilled(HikariDataSource pool, int minIdle) throws Exception {
        await("the pool refilled", Duration.ofSeconds(10), () -> total(pool) >= minIdle);
        try (Connection c = pool.getConnection()) {
            assertTrue(PgRouterSupport.inRecovery(c), "a live connection to the standby");
        }
    }

    @Test
    void aDownEndpointsPoolIsEmptiedAndNotRefilledUntilItAnswersThenRefilledAtOnce() throws Exception {
        PgNode standby = env.db.standby();
        HikariDataSource pool = poolOf(standby);
        int minIdle = pool.getMinimumIdle();
        assertTrue(minIdle > 0, "the test needs a pool that keeps idle connections");
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        try {
            await("the standby's pool holds its idle connections", Duration.ofSeconds(10), () -> pool.getHikariPoolMXBean().getIdleConnections() >= minIdle);
            standby.kill();
            awaitSeen(ds, standby, Role.DOWN, false);
            assertEquals(0, pool.getMinimumIdle(), "the refill is paused while the endpoint is down");
            await("its dead idle connections evicted", Duration.ofSeconds(10), () -> total(pool) == 0);
            ds.probeNow();
            ds.probeNow();
            assertEquals(0, total(pool), "nothing refills the pool of a server that is down");
            assertEquals(0, pool.getMinimumIdle(), "still paused: " + ds.snapshot());

            standby.start();
            awaitSeen(ds, standby, Role.SECONDARY, false);
            assertEquals(minIdle, pool.getMinimumIdle(), "minimumIdle is put back the round the endpoint answers");
            // The pool was empty, so what it holds now was opened after the server came back, without waiting for
            // HikariCP's housekeeper (every 30 s) or for a caller.
            assertRefilled(pool, minIdle);
            assertTrue(env.hasEvent(RouterEvent.Type.POOL_EVICTED, standby.name()), env.events().toString());
        } finally {
            ds.close();
            standby.start(); // for the next test, whatever failed here (a no-op when it runs)
        }
    }

    @Test
    void aFencedStalePrimarysPoolIsNotRefilledUntilItIsAStandbyAgain() throws Exception {
        PgNode old = env.db.primary();
        PgNode next = env.db.standby();
        HikariDataSource pool = poolOf(old);
        int minIdle = pool.getMinimumIdle();
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        try {
            old.kill();
            env.db.failover();
            await("writes go to " + next.name(), Duration.ofSeconds(30), () -> next.name().equals(ds.snapshot().writeEndpoint()));

            env.db.restartAsStalePrimary(old); // up, and claiming primary on its old timeline
            awaitSeen(ds, old, Role.PRIMARY, true);
            assertEquals(0, pool.getMinimumIdle(), "a fenced endpoint's pool is not refilled although its server is up: " + ds.snapshot());
            ds.probeNow();
            assertEquals(0, total(pool), "no connection to the stale primary is kept: " + total(pool));

            env.db.reattachAsStandby(old); // re-cloned and restarted: the restart a 200 ms probe interval may not even see
            awaitSeen(ds, old, Role.SECONDARY, false);
            assertEquals(minIdle, pool.getMinimumIdle(), "usable again: minimumIdle put back");
            assertRefilled(pool, minIdle);
        } finally {
            ds.close();
        }
    }

    @Test
    void closingTheRouterGivesThePoolBackItsMinimumIdle() throws Exception {
        PgNode standby = env.db.standby();
        HikariDataSource pool = poolOf(standby);
        int minIdle = pool.getMinimumIdle();
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        try {
            standby.kill();
            awaitSeen(ds, standby, Role.DOWN, false);
            assertEquals(0, pool.getMinimumIdle(), "paused while down");
        } finally {
            ds.close();
            standby.start();
        }
        assertTrue(ds.isClosed());
        assertEquals(minIdle, pool.getMinimumIdle(), "the application's pool keeps the minimumIdle it was given");
        assertFalse(pool.isClosed(), "closing the router does not close a pool it was not asked to close");
    }
}
