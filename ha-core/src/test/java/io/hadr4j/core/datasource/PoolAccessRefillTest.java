package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * {@link PoolAccess#pauseRefill} and {@link PoolAccess#resumeRefill}, on a real HikariCP pool over a DataSource that
 * refuses every connection (what the pool of a server that is down sees). The router's use of them, on the real
 * primary and standby, is in PoolRefillTest (ha-integration-tests).
 */
class PoolAccessRefillTest {

    /** Counts the pool's attempts to open a connection; refuses each. */
    static final class CountingRefusals extends NoDataSource {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            return super.getConnection();
        }
    }

    private static HikariDataSource pool(javax.sql.DataSource raw, int minIdle) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("refill-test");
        c.setDataSource(raw);
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(minIdle);
        c.setInitializationFailTimeout(-1); // starts although nothing answers
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }

    @Test
    void pausingSetsMinimumIdleToZeroOnceAndResumingPutsItBack() {
        try (HikariDataSource pool = pool(new NoDataSource(), 3)) {
            PoolAccess access = new PoolAccess(pool);
            assertEquals(3, access.pauseRefill());
            assertEquals(0, pool.getMinimumIdle());
            assertEquals(-1, access.pauseRefill(), "already paused: the value kept is still the application's 3, not 0");
            assertEquals(3, access.resumeRefill(false));
            assertEquals(3, pool.getMinimumIdle());
            assertEquals(-1, access.resumeRefill(false), "nothing to resume");
            assertEquals(3, pool.getMinimumIdle());
        }
    }

    @Test
    void aMinimumIdleTheApplicationChangedMeanwhileIsKept() {
        try (HikariDataSource pool = pool(new NoDataSource(), 3)) {
            PoolAccess access = new PoolAccess(pool);
            access.pauseRefill();
            pool.setMinimumIdle(1); // HikariConfigMXBean: the application's own change while the endpoint was down
            assertEquals(3, access.resumeRefill(false));
            assertEquals(1, pool.getMinimumIdle(), "the application's later value stands");
        }
    }

    @Test
    void aPoolWithoutIdleConnectionsOrNotHikariIsLeftAlone() {
        try (HikariDataSource pool = pool(new NoDataSource(), 0)) {
            PoolAccess access = new PoolAccess(pool);
            assertEquals(-1, access.pauseRefill(), "minimumIdle 0: nothing to pause");
            assertEquals(0, pool.getMinimumIdle());
            assertEquals(-1, access.resumeRefill(true));
        }
        PoolAccess other = new PoolAccess(new NoDataSource());
        assertEquals(-1, other.pauseRefill(), "not a pool hadr4j knows");
        assertEquals(-1, other.resumeRefill(true));
    }

    @Test
    void aPausedPoolStopsTryingAndAResumedOneTriesAtOnce() throws Exception {
        CountingRefusals raw = new CountingRefusals();
        try (HikariDataSource pool = pool(raw, 3)) {
            PoolAccess access = new PoolAccess(pool);
            awaitAttempts(raw, 1); // the pool has started trying (and backing off)
            access.pauseRefill();
            int settled = awaitSettled(raw);
            Thread.sleep(300);
            assertEquals(settled, raw.attempts.get(), "no attempt while paused and nobody waits for a connection");

            access.resumeRefill(true);
            awaitAttempts(raw, settled + 1); // at once: not at HikariCP's housekeeper run, 30 s away
        }
    }

    private static void awaitAttempts(CountingRefusals raw, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (raw.attempts.get() < atLeast) {
            if (System.nanoTime() > deadline) throw new AssertionError("the pool made " + raw.attempts.get() + " attempts, expected " + atLeast);
            Thread.sleep(5);
        }
    }

    /** Waits until no attempt came for 200 ms (the adder's current back-off ends, then it stops); returns the count. */
    private static int awaitSettled(CountingRefusals raw) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int last = raw.attempts.get();
        while (true) {
            Thread.sleep(200);
            int now = raw.attempts.get();
            if (now == last) return now;
            if (System.nanoTime() > deadline) throw new AssertionError("the pool kept trying while paused: " + now + " attempts");
            last = now;
        }
    }
}
