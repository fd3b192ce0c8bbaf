package io.hadr4j.core.backup;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database created by a restore. It holds the password it connects with but never shows it:
 * {@link #toString()} and every message leave it out. {@link #close()} drops the database: it stops it
 * and removes everything the restore created.
 */
public interface RestoredDatabase extends AutoCloseable {

    /** The name the restore request gave it. */
    String name();

    /** What it was restored to: the request's instant (ISO-8601) or "log position ...". */
    String restorePoint();

    String jdbcUrl();

    String user();

    /** A new connection to it, with its credentials (the JDBC driver must be on the class path). */
    Connection connect() throws SQLException;

    /** Stops the database and removes it and its files. Idempotent. */
    void drop();

    /** Same as {@link #drop()}. */
    @Override
    default void close() {
        drop();
    }
}
