package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.testkit.PgNode;

/**
 * A busy pool is not an outage. The primary's HikariCP pool (4 connections, connectionTimeout 10 s, as a new user
 * would leave it) is held by the application, and 16 threads ask for more with failoverTimeout 2 s: the probe has a
 * connection of its own, so the primary stays PRIMARY and keeps the write route, and every caller gets "pool
 * exhausted" with the pool's counts at the failoverTimeout deadline, not a failover and not a 10 s pool timeout
 * retried.
 */
class PoolExhaustionTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    void aSaturatedPrimaryPoolKeepsTheWriteRouteWhereItWas() throws Exception {
        PgNode a = env.db.nodeA();
        try (HikariDataSource busy = PgRouterSupport.pool(a, 4, a.jdbcUrl(), "pool-a-busy")) {
            busy.setConnectionTimeout(10_000);
            RouterConfig config = PgRouterSupport.fastConfig("region-a").failoverTimeout(Duration.ofSeconds(2)).build();
            RegionAwareDataSource ds = env.start(config, Endpoint.of("a", a.region(), busy), Endpoint.of("b", env.db.nodeB().region(), env.poolB));
            try {
                assertEquals("a", ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
                List<Connection> held = new ArrayList<>();
                for (int i = 0; i < 4; i++) held.add(ds.getConnection());
                ds.probeNow();
                int eventsBefore = env.events().size();
                long roundsBefore = ds.snapshot().probeRounds();

                ExecutorService callers = Executors.newFixedThreadPool(16);
                List<Future<SQLException>> calls = new ArrayList<>();
                try {
                    for (int i = 0; i < 16; i++) {
                        calls.add(callers.submit(() -> {
                            try (Connection c = ds.getConnection()) {
                                return null;
                            } catch (SQLException e) {
                                return e;
                            }
                        }));
                    }
                    for (Future<SQLException> f : calls) {
                        SQLException e = f.get(60, TimeUnit.SECONDS);
                        assertNotNull(e, "no connection was free, so none could be handed out");
                        assertTrue(e instanceof SQLTransientConnectionException, e.getClass().getName());
                        assertEquals(RegionAwareDataSource.SQLSTATE_POOL_EXHAUSTED, e.getSQLState(), e.getMessage());
                        assertInstanceOf(PoolExhaustedException.class, e, "callers can catch it by type");
                        assertTrue(e.getMessage().contains("pool exhausted"), e.getMessage());
                        assertTrue(e.getMessage().contains("up to the deadline of failoverTimeout 2000 ms"),
                                "given up at the failoverTimeout deadline, not after the pool's own 10 s: " + e.getMessage());
                        assertTrue(e.getMessage().contains("active 4, idle 0, waiting "), "the pool's counts: " + e.getMessage());
                        assertTrue(e.getMessage().contains("total 4 of at most 4"), e.getMessage());
                        assertTrue(e.getMessage().contains("a [region-a]: PRIMARY"), "the endpoint is still seen PRIMARY: " + e.getMessage());
                        assertFalse(e.getMessage().contains(a.password()), "no secret in the message");
                    }
                } finally {
                    callers.shutdownNow();
                }

                ds.probeNow(); // a complete round after the storm
                RouterSnapshot s = ds.snapshot();
                assertTrue(s.probeRounds() > roundsBefore, "probe rounds went on while the pool was exhausted: " + s);
                assertEquals("a", s.writeEndpoint(), s::toString);
                assertEquals(Role.PRIMARY, s.endpoint("a").role(), s::toString);
                assertEquals("CLOSED", s.endpoint("a").circuitState(), "a busy pool does not count against the endpoint: " + s);
                List<RouterEvent> during = env.events().subList(eventsBefore, env.events().size());
                assertTrue(during.stream().noneMatch(ev -> ev.type() == RouterEvent.Type.ROLE_CHANGED
                        || ev.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED || ev.type() == RouterEvent.Type.NO_PRIMARY
                        || ev.type() == RouterEvent.Type.POOL_EVICTED), "no role or route change: " + during);

                for (Connection c : held) c.close();
                assertEquals(a.port(), PgRouterSupport.insert(ds, 1), "writes go to a again as soon as a connection is free");
            } finally {
                ds.close();
            }
        }
    }

    /**
     * A pool that cannot sign in for a while (credentials being rotated: the pool still has the old password) while the
     * server is well: each wait on the pool runs out with HikariCP's timeout, whose cause is the refused login. That
     * says nothing about the server, so the endpoint keeps its role, its circuit and the write route; the caller gets
     * the refusal at the deadline.
     */
    @Test
    void aPoolThatCannotSignInDoesNotWithdrawAHealthyPrimary() throws Exception {
        PgNode a = env.db.nodeA();
        try (HikariDataSource refused = PgRouterSupport.pool(a, 4, a.jdbcUrl(), "pool-a-refused")) {
            refused.setPassword("not-the-password");
            RouterConfig config = PgRouterSupport.fastConfig("region-a").failoverTimeout(Duration.ofSeconds(2)).build();
            RegionAwareDataSource ds = env.start(config,
                    Endpoint.of("a", a.region(), refused).withProbeDataSource(a.directDataSource()),
                    Endpoint.of("b", env.db.nodeB().region(), env.poolB));
            try {
                ds.probeNow();
                assertEquals("a", ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
                int eventsBefore = env.events().size();
                for (int i = 0; i < 3; i++) {
                    SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> ds.getConnection().close());
                    assertTrue(e.getMessage().contains("password authentication failed"), "the refusal is named: " + e.getMessage());
                    assertFalse(e.getMessage().contains("not-the-password"), "no secret in the message");
                }
                ds.probeNow();
                RouterSnapshot s = ds.snapshot();
                assertEquals("a", s.writeEndpoint(), s::toString);
                assertEquals(Role.PRIMARY, s.endpoint("a").role(), s::toString);
                assertEquals("CLOSED", s.endpoint("a").circuitState(), "a pool that cannot sign in does not count against the server: " + s);
                List<RouterEvent> during = env.events().subList(eventsBefore, env.events().size());
                assertTrue(during.stream().noneMatch(ev -> ev.type() == RouterEvent.Type.ROLE_CHANGED
                        || ev.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED || ev.type() == RouterEvent.Type.NO_PRIMARY),
                        "no role or route change: " + during);
            } finally {
                ds.close();
            }
        }
    }
}
