package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * How fast writes come back, with what users run: a HikariCP pool per node with HikariCP's DEFAULT settings (a 30 s
 * connectionTimeout, no socket timeout) and the router's default config. The bounds are generous on purpose: they
 * fail on the old behaviour (a round held up for a full probe timeout by the dead node; a caller blocked forever on
 * a blackholed connection), not on a busy machine. The speed itself is measured by the failover benchmark.
 */
class FailoverLatencyTest {

    private static final RouterConfig DEFAULTS = RouterConfig.custom().localRegion("region-a").build();

    @Test
    void afterKillAndPromotionWritesResumeWithoutWaitingAFullProbeTimeout() throws Exception {
        try (TwoRegionPostgres db = asyncPair()) {
            PgNode a = db.nodeA();
            PgNode b = db.nodeB();
            try (HikariDataSource poolA = defaultPool(a); HikariDataSource poolB = defaultPool(b);
                 RegionAwareDataSource ds = router(DEFAULTS, a, poolA, b, poolB); Writer writer = new Writer(ds)) {
                await("writes on a", Duration.ofSeconds(30), () -> writer.acks.size() >= 20);
                a.kill();
                Thread.sleep(1000);
                long promoting = System.nanoTime();
                db.failover(); // returns once b is writable
                long promoted = System.nanoTime();
                await("a write on the promoted b", Duration.ofSeconds(30), () -> writer.hasOn(b.port(), promoting));
                long tookMs = TimeUnit.NANOSECONDS.toMillis(writer.firstOn(b.port(), promoting) - promoted);
                // Half the probe timeout: generous (typically tens of ms now), yet the old rounds, held up a full probe
                // timeout by the dead node, took 1.5-3 s here.
                long boundMs = DEFAULTS.probeTimeout().toMillis() / 2;
                assertTrue(tookMs < boundMs, "the first write on b came " + tookMs + " ms after the promotion; it must not"
                        + " wait for the dead node's probe timeout (" + DEFAULTS.probeTimeout().toMillis() + " ms). " + ds.snapshot());
                RouterSnapshot s = ds.snapshot();
                assertEquals("b", s.writeEndpoint());
                assertNotNull(s.lastFailoverDuration(), s.toString());
                assertEquals(0, writer.acksOnAfter(a.port(), promoted), "no write acknowledged by the old primary after the promotion");
            }
        }
    }

    @Test
    void aCallerBlockedOnABlackholedPrimaryGetsAnErrorOnceTheRouterNoticesAndWritesResumeAfterPromotion() throws Exception {
        try (TwoRegionPostgres db = asyncPair()) {
            PgNode a = db.nodeA();
            PgNode b = db.nodeB();
            List<long[]> aborts = new CopyOnWriteArrayList<>(); // nanoTime of the router's "aborted open connections"
            try (HikariDataSource poolA = defaultPool(a); HikariDataSource poolB = defaultPool(b);
                 RegionAwareDataSource ds = RegionAwareDataSource.create(DEFAULTS, List.of(
                         Endpoint.of("a", a.region(), poolA), Endpoint.of("b", b.region(), poolB)), e -> {
                             if (e.type() == RouterEvent.Type.POOL_EVICTED && e.cause().startsWith("aborted")) aborts.add(new long[] {System.nanoTime()});
                         })) {
                assertEquals(a.port(), PgRouterSupport.insert(ds, 1));

                // A caller holds a write connection to a; then a's network path turns into a black hole.
                AtomicReference<SQLException> error = new AtomicReference<>();
                AtomicLong endedAt = new AtomicLong();
                Connection held = ds.getConnection();
                a.proxy().stall();
                long stalledAt = System.nanoTime();
                Thread caller = new Thread(() -> {
                    try (Statement st = held.createStatement()) {
                        st.execute("SELECT 1");
                    } catch (SQLException e) {
                        error.set(e);
                    } finally {
                        endedAt.set(System.nanoTime());
                    }
                }, "blocked-caller");
                caller.setDaemon(true);
                caller.start();
                // The router notices within probeInterval + probeTimeout; the blocked call must then end promptly.
                long noticeBoundMs = DEFAULTS.probeInterval().toMillis() + DEFAULTS.probeTimeout().toMillis();
                caller.join(noticeBoundMs + 10_000);
                assertFalse(caller.isAlive(), "the caller is still blocked " + (System.nanoTime() - stalledAt) / 1_000_000
                        + " ms after the stall (pgjdbc has no socket timeout here): " + ds.snapshot());
                assertNotNull(error.get(), "the blocked call ended with an SQLException");
                // The router aborts the connection first and publishes its event after, on the event thread: the
                // caller can end before the event arrives, so wait for it rather than read it at once.
                await("the router's event that it aborted the open connections to a (the caller got: " + error.get() + ")",
                        Duration.ofSeconds(10), () -> !aborts.isEmpty());
                long afterNoticeMs = TimeUnit.NANOSECONDS.toMillis(endedAt.get() - aborts.get(0)[0]);
                assertTrue(afterNoticeMs < 2000, "the call ended " + afterNoticeMs + " ms after the router aborted it");
                long totalMs = TimeUnit.NANOSECONDS.toMillis(endedAt.get() - stalledAt);
                assertTrue(totalMs < noticeBoundMs + 3000, "the call was blocked " + totalMs + " ms; bound "
                        + noticeBoundMs + " ms + slack");
                held.close();

                // The standby is promoted while a is still a black hole: writes go on there.
                try (Writer writer = new Writer(ds)) {
                    long promoting = System.nanoTime();
                    db.failover();
                    long promoted = System.nanoTime();
                    await("a write on the promoted b", Duration.ofSeconds(30), () -> writer.hasOn(b.port(), promoting));
                    long tookMs = TimeUnit.NANOSECONDS.toMillis(writer.firstOn(b.port(), promoting) - promoted);
                    assertTrue(tookMs < DEFAULTS.probeTimeout().toMillis() / 2, "the first write on b came " + tookMs
                            + " ms after the promotion. " + ds.snapshot());
                    assertTrue(writer.longestCallMs() < noticeBoundMs + 3000, "a call took " + writer.longestCallMs() + " ms");
                }
                // The partition ends before the pools close: HikariCP's close waits up to its login timeout (30 s here)
                // for a connection attempt of pool a's that is inside the black hole, if one is.
                a.proxy().heal();
            } finally {
                a.proxy().heal();
            }
        }
    }

    @Test
    void aPromotedStandbyWhoseCircuitBreakerIsStillOpenTakesWritesWithoutWaitingForTheBreaker() throws Exception {
        // A breaker that, once open, lets no call through for ten minutes: only the rule "while there is no writer,
        // every endpoint whose probe does not hang is asked" can bring writes to b within this test.
        CircuitBreakerConfig slowBreaker = CircuitBreakerConfig.from(DEFAULTS.circuitBreakerConfig())
                .waitDurationInOpenState(Duration.ofMinutes(10)).build();
        RouterConfig config = RouterConfig.from(DEFAULTS).circuitBreakerConfig(slowBreaker).build();
        try (TwoRegionPostgres db = asyncPair()) {
            PgNode a = db.nodeA();
            PgNode b = db.nodeB();
            try (HikariDataSource poolA = defaultPool(a); HikariDataSource poolB = defaultPool(b);
                 RegionAwareDataSource ds = router(config, a, poolA, b, poolB); Writer writer = new Writer(ds)) {
                await("writes on a", Duration.ofSeconds(30), () -> writer.acks.size() >= 20);
                CircuitBreaker breakerB = ds.circuitBreakerRegistry().find(config.name() + "-b").orElseThrow();
                // The standby restarts (as after a re-attach): its probes are refused meanwhile and open its breaker.
                b.stop();
                await("b's circuit breaker open after its refused probes", Duration.ofSeconds(30),
                        () -> breakerB.getState() == CircuitBreaker.State.OPEN);
                b.start();
                db.awaitReplayed(Duration.ofSeconds(30));
                assertEquals(CircuitBreaker.State.OPEN, breakerB.getState(), "b's breaker is still open when a fails");

                a.kill();
                long promoting = System.nanoTime();
                db.failover();
                await("a write on the promoted b although its breaker was open. " + ds.snapshot(), Duration.ofSeconds(30),
                        () -> writer.hasOn(b.port(), promoting));
                assertEquals(CircuitBreaker.State.CLOSED, breakerB.getState(), "b answered a probe: its breaker is closed again");
            }
        }
    }

    /** A primary and an asynchronous standby (each test here kills or cuts off a node), the writes table replayed. */
    private static TwoRegionPostgres asyncPair() {
        TwoRegionPostgres db = TwoRegionPostgres.builder().regions("region-a", "region-b").synchronousReplication(false).build().start();
        PgRouterSupport.createWritesTable(db);
        db.awaitReplayed(Duration.ofSeconds(30));
        return db;
    }

    private static RegionAwareDataSource router(RouterConfig config, PgNode a, HikariDataSource poolA, PgNode b, HikariDataSource poolB) {
        return RegionAwareDataSource.create(config, Endpoint.of("a", a.region(), poolA), Endpoint.of("b", b.region(), poolB));
    }

    /** A HikariCP pool with HikariCP's defaults (only where and who). */
    private static HikariDataSource defaultPool(PgNode node) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(node.jdbcUrl());
        c.setUsername(node.user());
        c.setPassword(node.password());
        return new HikariDataSource(c);
    }

    /** One writer thread, a row per call, noting when each was acknowledged and by which server. */
    private static final class Writer implements AutoCloseable {
        final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>(); // {nanoTime, port}
        private final AtomicLong longest = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Writer(RegionAwareDataSource ds) {
            thread = new Thread(() -> {
                long id = 1_000_000;
                while (running) {
                    long t0 = System.nanoTime();
                    try (Connection c = ds.getConnection();
                         PreparedStatement ps = c.prepareStatement("INSERT INTO writes(id, port) VALUES (?, inet_server_port()) RETURNING port")) {
                        ps.setLong(1, id++);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            acks.add(new long[] {System.nanoTime(), rs.getInt(1)});
                        }
                    } catch (SQLException e) {
                        PgRouterSupport.sleep(1);
                    }
                    longest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    PgRouterSupport.sleep(1);
                }
            }, "latency-writer");
            thread.setDaemon(true);
            thread.start();
        }

        boolean hasOn(int port, long after) {
            return acks.stream().anyMatch(ack -> ack[1] == port && ack[0] - after >= 0);
        }

        long firstOn(int port, long after) {
            for (long[] ack : acks) {
                if (ack[1] == port && ack[0] - after >= 0) return ack[0];
            }
            throw new IllegalStateException("no write on " + port);
        }

        long acksOnAfter(int port, long after) {
            return acks.stream().filter(ack -> ack[1] == port && ack[0] - after >= 0).count();
        }

        long longestCallMs() {
            return TimeUnit.NANOSECONDS.toMillis(longest.get());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
            if (thread.isAlive()) throw new AssertionError("the writer is still blocked: " + List.of(thread.getStackTrace()));
        }
    }
}
