package io.hadr4j.testkit;

/** What a node is, as the node itself answers when asked directly. */
public enum Role {
    /** Accepts writes. */
    PRIMARY,
    /** Not in recovery, but turned read-only in place (what an Azure SQL failover-group failover leaves behind). */
    READ_ONLY_PRIMARY,
    /** In recovery, replaying WAL from a primary or the archive; serves reads. */
    STANDBY,
    /** Not running, or not answering. */
    DOWN
}
