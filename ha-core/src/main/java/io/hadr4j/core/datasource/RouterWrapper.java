package io.hadr4j.core.datasource;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@link Wrapper} for the router's JDBC wrappers (connection, statements, results, metadata): the wrapper itself
 * first, then what the driver's object wraps. Neither reaches the server, so neither goes through the router's checks.
 */
abstract class RouterWrapper implements Wrapper {

    /** The driver's (or pool's) object this one wraps. */
    abstract Wrapper wrapped();

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : wrapped().unwrap(iface);
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || wrapped().isWrapperFor(iface);
    }
}
