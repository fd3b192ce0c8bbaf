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
            LOG.debug("Could not soft-evict a pool: {}", e.toString());
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
            LOG.debug("Could not evict a connection through its pool: {}", e.toString());
        }
        try {
            raw.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not abort a connection: {}", e.toString());
        }
    }

    /** The message of an exception with anything that looks like a secret masked: {@link Secrets#safeMessage}. */
    static String safeMessage(Throwable t) {
        return Secrets.safeMessage(t);
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
