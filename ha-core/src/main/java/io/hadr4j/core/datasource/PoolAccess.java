package io.hadr4j.core.datasource;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * How the router uses one endpoint's {@link DataSource} beyond {@code getConnection()}, without depending on any
 * pool at compile time. HikariCP is recognised by its public API:
 * <ul>
 *   <li>{@link #borrow}: a wait bounded by the caller's deadline ({@code HikariPool.getConnection(long)}), not the
 *       pool's own {@code connectionTimeout}, so that {@code getConnection()} never waits past failoverTimeout;</li>
 *   <li>{@link #counts}: the pool's active/idle/waiting/total counts ({@code HikariPoolMXBean}) for the
 *       "pool exhausted" error;</li>
 *   <li>{@link #openOutsidePool}: a physical connection opened the way the pool opens its own (its unwrapped
 *       DataSource with its credentials), but never part of the pool: the probe's own connection;</li>
 *   <li>{@link #pauseRefill}/{@link #resumeRefill}: no connection-adder back-off while the server is down
 *       ({@code minimumIdle}, a runtime setting of {@code HikariConfigMXBean}).</li>
 * </ul>
 * Any other DataSource gets plain {@code getConnection()} (its own timeout), no counts, no connection outside it, and
 * no refill pause.
 */
final class PoolAccess {

    private final DataSource ds;
    private final Method poolOf;           // HikariDataSource.getHikariPoolMXBean(), or null for other DataSources
    private final MethodHandle timeoutOf;  // HikariConfig.getConnectionTimeout(): (Object)long
    private volatile Object pool;          // the started HikariPool, once there is one
    private volatile MethodHandle timedGet; // HikariPool.getConnection(long): (Object,long)Connection
    private volatile MethodHandle stateOf;  // HikariPool.poolState: (Object)int; 0 = normal
    // The pool's minimumIdle while its refill is paused (see pauseRefill), -1 when it is not. Paused and resumed on the
    // probe-round thread; close() may resume from another.
    private final AtomicInteger pausedMinIdle = new AtomicInteger(-1);
    private final Method minIdleOf;   // HikariConfig.getMinimumIdle(), or null
    private final Method setMinIdle;  // HikariConfig.setMinimumIdle(int) (HikariConfigMXBean: a runtime setting), or null

    PoolAccess(DataSource ds) {
        this.ds = ds;
        Method m = publicMethod(ds.getClass(), "getHikariPoolMXBean");
        MethodHandle t = null;
        if (m != null) {
            try {
                t = MethodHandles.publicLookup().unreflect(ds.getClass().getMethod("getConnectionTimeout"))
                        .asType(MethodType.methodType(long.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                m = null;
            }
        }
        this.poolOf = m;
        this.timeoutOf = t;
        this.minIdleOf = m == null ? null : publicMethod(ds.getClass(), "getMinimumIdle");
        this.setMinIdle = m == null ? null : publicMethod(ds.getClass(), "setMinimumIdle", int.class);
    }

    /** Whether this is a pool hadr4j knows (HikariCP). */
    boolean known() {
        return poolOf != null;
    }

    /**
     * A connection from the pool, waiting at most {@code maxWaitNanos} when the pool is HikariCP (and at most the pool's
     * own connectionTimeout); other DataSources wait as long as they do.
     */
    Connection borrow(long maxWaitNanos) throws SQLException {
        if (poolOf != null) {
            Object p = startedPool();
            MethodHandle get = timedGet;
            if (p != null && get != null) {
                try {
                    long own = (long) timeoutOf.invokeExact((Object) ds);
                    long ms = boundMillis(own, maxWaitNanos);
                    if (ms < own && (int) stateOf.invokeExact(p) == 0) return (Connection) get.invokeExact(p, ms);
                } catch (SQLException | RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ds.getConnection();
    }

    private static long boundMillis(long ownMillis, long maxWaitNanos) {
        return Math.min(ownMillis, Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxWaitNanos)));
    }

    /**
     * The longest {@link #borrow}{@code (maxWaitNanos)} waits on a known pool: the bound, or the pool's own
     * connectionTimeout when that is shorter; 0 for other DataSources (their wait is not known).
     */
    long waitBoundNanos(long maxWaitNanos) {
        if (poolOf == null) return 0;
        try {
            return TimeUnit.MILLISECONDS.toNanos(boundMillis((long) timeoutOf.invokeExact((Object) ds), maxWaitNanos));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code e} is HikariCP saying that no connection became available within the wait (its only
     * {@link SQLTransientConnectionException}): the pool was busy, or could not open a connection in time (its cause
     * then says why, a refused password during a rotation for one). Either way a wait that ran out, not a verdict on
     * the server: the probe, on its own connection, decides that.
     */
    boolean waitTimedOut(SQLException e) {
        return poolOf != null && e instanceof SQLTransientConnectionException;
    }

    /** "active 1, idle 0, waiting 15, total 1 of at most 1", or null when the pool does not say. */
    String counts() {
        Object p = startedPool();
        if (p == null) return null;
        try {
            Class<?> mx = Class.forName("com.zaxxer.hikari.HikariPoolMXBean", false, p.getClass().getClassLoader());
            int active = (int) mx.getMethod("getActiveConnections").invoke(p);
            int idle = (int) mx.getMethod("getIdleConnections").invoke(p);
            int waiting = (int) mx.getMethod("getThreadsAwaitingConnection").invoke(p);
            int total = (int) mx.getMethod("getTotalConnections").invoke(p);
            Method max = publicMethod(ds.getClass(), "getMaximumPoolSize");
            return "active " + active + ", idle " + idle + ", waiting " + waiting + ", total " + total
                    + (max != null ? " of at most " + max.invoke(ds) : "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A new physical connection to the pool's server that the pool does not know about (HikariCP: its unwrapped
     * DataSource, with the pool's current user and password, as the pool itself connects); null when the DataSource
     * is not a pool hadr4j can do this for, or the pool has not started yet.
     */
    Connection openOutsidePool() throws SQLException {
        Object p = startedPool();
        if (p == null) return null;
        DataSource raw;
        String user;
        String password;
        try {
            Method unwrapped = publicMethod(p.getClass(), "getUnwrappedDataSource");
            Method u = publicMethod(ds.getClass(), "getUsername");
            Method pw = publicMethod(ds.getClass(), "getPassword");
            if (unwrapped == null || u == null || pw == null) return null;
            raw = (DataSource) unwrapped.invoke(p);
            user = (String) u.invoke(ds);
            password = (String) pw.invoke(ds);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        if (raw == null) return null;
        return user == null ? raw.getConnection() : raw.getConnection(user, password);
    }

    /**
     * The router will not use the pool's server for now (down, or fenced): stop the pool from refilling until it is
     * usable again ({@link #resumeRefill}). HikariCP's one connection-adder thread backs off while its server refuses
     * connections (HikariCP 6: 10 ms, doubling, up to 5 s) and sleeps out the back-off it is in even after the server
     * is back; so the pool of a server that was down for a few seconds stays empty for seconds after it returns, just
     * when a failback or a promotion of that server needs it. With {@code minimumIdle} 0 the adder stops as soon as
     * nobody waits for a connection (a caller that does still gets one made for it, as before). Returns the
     * {@code minimumIdle} it paused, or -1 when there was nothing to pause (not HikariCP, not started, already paused,
     * or {@code minimumIdle} already 0).
     */
    int pauseRefill() {
        if (minIdleOf == null || setMinIdle == null || pausedMinIdle.get() >= 0 || startedPool() == null) return -1;
        try {
            int minIdle = (int) minIdleOf.invoke(ds);
            if (minIdle <= 0 || !pausedMinIdle.compareAndSet(-1, minIdle)) return -1;
            setMinIdle.invoke(ds, 0);
            return minIdle;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The server answers again (or the router closes): puts back the {@code minimumIdle} that {@link #pauseRefill}
     * took, unless the application changed it meanwhile, and with {@code refill} asks the pool for the missing idle
     * connections now rather than at its housekeeper's next run (HikariCP: every 30 s): one adder task each, as
     * HikariCP's own fill does ({@code HikariPool.addBagItem}). Returns the {@code minimumIdle} put back, or -1 when
     * the refill was not paused.
     */
    int resumeRefill(boolean refill) {
        if (pausedMinIdle.get() < 0) return -1; // the common case, every round: nothing paused, nothing written
        int minIdle = pausedMinIdle.getAndSet(-1);
        if (minIdle < 0) return -1;
        try {
            if ((int) minIdleOf.invoke(ds) == 0) setMinIdle.invoke(ds, minIdle);
            Object p = refill ? startedPool() : null;
            if (p != null) {
                Method add = publicMethod(p.getClass(), "addBagItem", int.class);
                Method idle = publicMethod(p.getClass(), "getIdleConnections");
                if (add != null && idle != null) {
                    for (int i = (int) idle.invoke(p); i < minIdle; i++) add.invoke(p, minIdle);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the pool refills at its housekeeper's next run
        }
        return minIdle;
    }

    private Object startedPool() {
        Object p = pool;
        if (p != null || poolOf == null) return p;
        try {
            p = poolOf.invoke(ds);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        if (p == null) return null; // a HikariDataSource that starts its pool on first use
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            timedGet = lookup.findVirtual(p.getClass(), "getConnection", MethodType.methodType(Connection.class, long.class))
                    .asType(MethodType.methodType(Connection.class, Object.class, long.class));
            stateOf = lookup.findGetter(p.getClass(), "poolState", int.class).asType(MethodType.methodType(int.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            timedGet = null; // a HikariCP without them: plain getConnection()
        }
        pool = p;
        return p;
    }

    /**
     * Whether {@code e} says a pool had no free connection within its timeout, while nothing was wrong with the
     * server: HikariCP's {@link SQLTransientConnectionException} without SQLState or cause (when the server is the
     * problem, HikariCP gives the SQLState and cause of its last failed attempt), or the router's own.
     */
    static boolean isPoolExhausted(Throwable e) {
        if (!(e instanceof SQLException s)) return false;
        if (Router.SQLSTATE_POOL_EXHAUSTED.equals(s.getSQLState())) return true;
        return e instanceof SQLTransientConnectionException && s.getSQLState() == null && e.getCause() == null;
    }

    private static Method publicMethod(Class<?> c, String name, Class<?>... params) {
        try {
            Method m = c.getMethod(name, params);
            return Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
