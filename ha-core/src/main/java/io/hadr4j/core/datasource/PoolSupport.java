package io.hadr4j.core.datasource;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hadr4j.core.Secrets;

/**
 * Asks a pool to drop connections, without depending on any pool at compile time. HikariCP is recognised by its
 * public methods ({@code HikariDataSource.getHikariPoolMXBean().softEvictConnections()} and
 * {@code HikariDataSource.evictConnection(Connection)}); any other DataSource that has a public
 * {@code softEvictConnections()} or {@code evictConnection(Connection)} method works too. Without them, a failing
 * connection is aborted so that the pool's validation discards it.
 */
final class PoolSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PoolSupport.class);

    private PoolSupport() {
    }

    /** Marks every connection of the pool for replacement: idle ones close now, busy ones when returned. */
    static boolean softEvict(DataSource ds) {
        try {
            Object target = ds;
            Method m = publicMethod(ds.getClass(), "softEvictConnections");
            if (m == null) {
                Method mx = publicMethod(ds.getClass(), "getHikariPoolMXBean");
                target = mx == null ? null : mx.invoke(ds);
                m = target == null ? null : publicMethod(target.getClass(), "softEvictConnections");
            }
            if (m == null) return false;
            m.invoke(target);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not soft-evict a pool: {}", Secrets.mask(e.toString()));
            return false;
        }
    }

    /** Removes one connection that failed from its pool: the pool's own eviction if it has one, else abort. */
    static void evict(DataSource ds, Connection raw) {
        try {
            Method m = publicMethod(ds.getClass(), "evictConnection", Connection.class);
            if (m != null) {
                m.invoke(ds, raw);
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not evict a connection through its pool: {}", Secrets.mask(e.toString()));
        }
        try {
            raw.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not abort a connection: {}", Secrets.mask(e.toString()));
        }
    }

    /** The message of an exception with anything that looks like a secret masked: {@link Secrets#safeMessage}. */
    static String safeMessage(Throwable t) {
        return Secrets.safeMessage(t);
    }

    /**
     * A copy of {@code t} and its causes whose messages are masked ({@link Secrets#mask}), with the same SQLState,
     * vendor code, stack trace and class name in the message, to be the cause of hadr4j's own exceptions: a driver's
     * message may quote a connection string, and whoever logs hadr4j's exception logs its causes too. Null stays null.
     */
    static SQLException masked(Throwable t) {
        return masked(t, 0);
    }

    private static SQLException masked(Throwable t, int depth) {
        if (t == null) return null;
        SQLException s = t instanceof SQLException e ? e : null;
        String text = t.getClass().getName() + ": " + Secrets.mask(t.getMessage() == null ? "" : t.getMessage());
        SQLException copy = new SQLException(text, s == null ? null : s.getSQLState(), s == null ? 0 : s.getErrorCode(),
                depth < 8 && t.getCause() != null && t.getCause() != t ? masked(t.getCause(), depth + 1) : null);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    private static Method publicMethod(Class<?> c, String name, Class<?>... params) {
        try {
            Method m = c.getMethod(name, params);
            return java.lang.reflect.Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
