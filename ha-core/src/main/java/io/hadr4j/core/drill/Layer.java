package io.hadr4j.core.drill;

/**
 * What a drill measures on its own: requests through the global entry, writes through the application's
 * {@code DataSource}, and a restore. Each has its own recovery time in the report, under {@link #id()}.
 */
public enum Layer {
    /** Requests through the global entry (Front Door, a load balancer): what a user sees. */
    ENTRY("entry"),
    /** Sequence-numbered writes through the DataSource: what the database layer sees. */
    DB_WRITE("db-write"),
    /** A point-in-time restore, from the bad delete to the verified copy. */
    RESTORE("restore");

    private final String id;

    Layer(String id) {
        this.id = id;
    }

    /** The layer's name in the report ({@code entry}, {@code db-write}, {@code restore}). */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
