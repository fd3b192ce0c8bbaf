package io.hadr4j.core.datasource;

import java.sql.SQLTransientConnectionException;

/**
 * The router refuses writes because more than one endpoint claims to be primary and it cannot decide which is newer,
 * or because this connection's endpoint was fenced as a stale primary (SQLState
 * {@value RegionAwareDataSource#SQLSTATE_SPLIT_BRAIN}). A fenced connection was evicted; a new connection goes to the
 * newest primary once there is one, so the condition is transient for the caller, though an operator may have to
 * act on the stale node.
 */
public final class SplitBrainException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    SplitBrainException(String message, Throwable cause) {
        super(message, RegionAwareDataSource.SQLSTATE_SPLIT_BRAIN, cause);
    }
}
