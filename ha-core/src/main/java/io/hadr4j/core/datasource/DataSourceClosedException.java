package io.hadr4j.core.datasource;

import java.sql.SQLNonTransientConnectionException;

/**
 * The {@link RegionAwareDataSource} was closed (SQLState {@value RegionAwareDataSource#SQLSTATE_CLOSED}): it hands out
 * no more connections, and retrying cannot help.
 */
public final class DataSourceClosedException extends SQLNonTransientConnectionException {

    private static final long serialVersionUID = 1L;

    DataSourceClosedException(String message) {
        super(message, RegionAwareDataSource.SQLSTATE_CLOSED);
    }
}
