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
 *       DataSource with its credentials), but never part of the pool: the probe's own connection.</li>
 * </ul>
 * Any other DataSource gets plain {@code getConnection()} (its own timeout), no counts, and no connection outside it.
 */
final class PoolAccess {

    private final DataSource ds;
    private final Method poolOf;           // HikariDataSource.getHikariPoolMXBean(), or null for other DataSources
    private final MethodHandle timeoutOf;  // HikariConfig.getConnectionTimeout(): (Object)long
    private volatile Object pool;          // the started HikariPool, once there is one
    private volatile MethodHandle timedGet; // HikariPool.getConnection(long): (Object,long)Connection
    private volatile MethodHandle stateOf;  // HikariPool.poolState: (Object)int; 0 = normal

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
