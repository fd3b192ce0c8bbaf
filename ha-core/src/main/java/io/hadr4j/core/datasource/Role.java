package io.hadr4j.core.datasource;

/** What an endpoint said it is when it was last probed. */
public enum Role {
    /** Accepts writes. */
    PRIMARY,
    /** Was a primary and now refuses writes without being a replica (PostgreSQL default_transaction_read_only on, SQL Server database READ_ONLY). */
    READ_ONLY,
    /** A replica that follows a primary (PostgreSQL in recovery, Azure SQL geo-secondary). */
    SECONDARY,
    /** The last probe failed or timed out. */
    DOWN,
    /** Not probed yet. */
    UNKNOWN
}
