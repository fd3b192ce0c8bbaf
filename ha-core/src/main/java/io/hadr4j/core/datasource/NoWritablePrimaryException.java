package io.hadr4j.core.datasource;

import java.sql.SQLTransientConnectionException;

/**
 * No endpoint is a writable primary the router may route to, and none became one within {@code failoverTimeout}
 * (SQLState {@value RegionAwareDataSource#SQLSTATE_NO_PRIMARY}): a failover is in progress or every endpoint is down
 * or read-only. Transient: a later call may succeed once a primary is back. The message names every endpoint and
 * what the router last saw of it.
 */
public final class NoWritablePrimaryException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    NoWritablePrimaryException(String message, Throwable cause) {
        super(message, RegionAwareDataSource.SQLSTATE_NO_PRIMARY, cause);
    }
}
