package io.hadr4j.core.datasource;

/**
 * What the benchmarks read of a {@link RegionAwareDataSource} that is not public API: the connections the router has
 * handed out and still tracks for aborting. In the router's package (as the integration tests are) so that ha-core
 * needs no public accessor for a figure only a leak check wants.
 */
public final class BenchAccess {
    private BenchAccess() {
    }

    /** Handed-out connections the router still tracks (not closed yet). */
    public static int trackedConnections(RegionAwareDataSource ds) {
        return ds.trackedConnections();
    }
}
