package io.hadr4j.core.drill;

import java.util.Locale;

/**
 * What a drill measures on its own: requests through the global entry, writes through the application's
 * {@code DataSource}, and a restore. Each has its own recovery time in the report, under {@link #id()}.
 */
public enum Layer {
    /** Requests through the global entry (Front Door, a load balancer): what a user sees. */
    ENTRY,
    /** Sequence-numbered writes through the DataSource: what the database layer sees. */
    DB_WRITE,
    /** A point-in-time restore, from the bad delete to the verified copy. */
    RESTORE;

    /** The layer's name in the report: {@code entry}, {@code db-write}, {@code restore}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return id();
    }
}
