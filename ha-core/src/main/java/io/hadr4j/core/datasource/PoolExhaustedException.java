package io.hadr4j.core.datasource;

import java.sql.SQLTransientConnectionException;

/**
 * The writer's pool had no free connection until {@code failoverTimeout} ran out (SQLState
 * {@value RegionAwareDataSource#SQLSTATE_POOL_EXHAUSTED}). The endpoint is not down and the route did not change: the
 * application holds every connection of the pool. The message gives the pool's counts where the pool tells them.
 */
public final class PoolExhaustedException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message, Throwable cause) {
        super(message, RegionAwareDataSource.SQLSTATE_POOL_EXHAUSTED, cause);
    }
}
