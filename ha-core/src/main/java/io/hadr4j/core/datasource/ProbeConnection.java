package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * The probe's own connection to one endpoint, kept from one probe to the next, so that probing never competes with
 * the application for its pool: a pool the application has exhausted cannot make a healthy endpoint look down.
 *
 * <p>Where it comes from, in this order: the {@link Endpoint#withProbeDataSource probe DataSource} if one is given;
 * else, for a HikariCP pool, a physical connection opened as the pool opens its own but outside it
 * ({@link PoolAccess#openOutsidePool}); else one connection of the endpoint's DataSource, held (so such a pool has one
 * connection fewer for the application; give an unpooled probe DataSource to avoid that).
 *
 * <p>It is dropped and opened anew after an error, when the endpoint's role changes or its pool is evicted (a DNS
 * listener then reaches the new server), and after {@link #MAX_AGE_NANOS}. One probe at a time uses it: {@link #take}
 * hands it over, {@link #keep} takes it back; {@link #renew} may come from another thread at any time.
 */
final class ProbeConnection {

    /**
     * How long one probe connection is used. Short, because nothing else retires it: an application that retires
     * its pool's connections (a rotated password, HikariCP's softEvictConnections) reaches only the pool's, and
     * expects every connection of that user to be new soon after. One new connection per endpoint every 30 s is cheap.
     */
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Kept(Connection connection, long openedNanos, int generation) {
    }

    private final DataSource probeDataSource; // the explicit one, or null
    private final DataSource dataSource;
    private final PoolAccess pool;
    private final AtomicReference<Kept> kept = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();

    ProbeConnection(Endpoint endpoint, PoolAccess pool) {
        this.probeDataSource = endpoint.probeDataSourceIfSet();
        this.dataSource = endpoint.dataSource();
        this.pool = pool;
    }

    /** A connection for one probe: the kept one if it is recent and not renewed since, else a new one. */
    Taken take(Executor closer) throws SQLException {
        Kept k = kept.getAndSet(null);
        if (k != null) {
            if (k.generation() == generation.get() && System.nanoTime() - k.openedNanos() < MAX_AGE_NANOS) {
                return new Taken(k.connection(), k.openedNanos(), k.generation(), false);
            }
            closeQuietly(k.connection(), closer);
        }
        return open();
    }

    /** Opens a new one (also for the second attempt of a probe whose kept connection turned out dead). */
    Taken open() throws SQLException {
        int gen = generation.get();
        Connection c = probeDataSource != null ? probeDataSource.getConnection() : pool.openOutsidePool();
        boolean borrowed = c == null && pool.known(); // a HikariCP pool that has not started yet: given back after use
        if (c == null) c = dataSource.getConnection();
        return new Taken(c, System.nanoTime(), gen, borrowed);
    }

    /** Takes {@code t} back after a probe that succeeded; closes it instead when it was renewed meanwhile. */
    void keep(Taken t, Executor closer) {
        Kept k = new Kept(t.connection(), t.openedNanos(), t.generation());
        if (t.borrowed() || t.generation() != generation.get() || !kept.compareAndSet(null, k)) {
            closeQuietly(t.connection(), closer);
            return;
        }
        if (t.generation() != generation.get() && kept.compareAndSet(k, null)) closeQuietly(t.connection(), closer); // renewed just now
    }

    /** Drops the kept connection (closed on {@code closer}); one in use by a probe is closed when it is given back. */
    void renew(Executor closer) {
        generation.incrementAndGet();
        Kept k = kept.getAndSet(null);
        if (k != null) closeQuietly(k.connection(), closer);
    }

    /** Whether its connections come from the endpoint's own pool (no probe DataSource, and not a pool hadr4j knows). */
    boolean sharesThePool() {
        return probeDataSource == null && !pool.known();
    }

    /** Whether {@code t} must be evicted through the DataSource it came from (it is a pool's connection). */
    boolean pooled(Taken t) {
        return t.borrowed() || probeDataSource != null || !pool.known();
    }

    DataSource source() {
        return probeDataSource != null ? probeDataSource : dataSource;
    }

    private static void closeQuietly(Connection c, Executor closer) {
        Runnable close = () -> {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // it was going anyway
            }
        };
        try {
            closer.execute(close); // closing may send to a server that does not answer: never on the round's thread
        } catch (RuntimeException e) {
            close.run();
        }
    }

    /** A connection handed to one probe; {@code borrowed}: from the application's HikariCP pool, not to be kept. */
    record Taken(Connection connection, long openedNanos, int generation, boolean borrowed) {
    }
}
