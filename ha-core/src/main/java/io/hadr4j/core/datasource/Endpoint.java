package io.hadr4j.core.datasource;

import java.util.Objects;

import javax.sql.DataSource;

/**
 * One database server (or, for Azure SQL in listener mode, one failover-group listener) the router may send
 * connections to: a unique name, the region it is in, the {@link DataSource} that connects to it (normally a
 * HikariCP pool) and a priority (lower is preferred when several secondaries of the local region can serve
 * reads). Immutable. {@code toString()} never shows the DataSource, so no URL or password can leak.
 */
public final class Endpoint {

    private final String name;
    private final String region;
    private final DataSource dataSource;
    private final int priority;
    private final DataSource probeDataSource;

    private Endpoint(String name, String region, DataSource dataSource, int priority, DataSource probeDataSource) {
        this.name = name;
        this.region = region;
        this.dataSource = dataSource;
        this.priority = priority;
        this.probeDataSource = probeDataSource;
    }

    /** An endpoint with priority 0. */
    public static Endpoint of(String name, String region, DataSource dataSource) {
        return of(name, region, dataSource, 0);
    }

    /** An endpoint; the values are validated when the {@link RegionAwareDataSource} is built. */
    public static Endpoint of(String name, String region, DataSource dataSource, int priority) {
        return new Endpoint(name, region, dataSource, priority, null);
    }

    /**
     * A copy whose probes use {@code probeDataSource} (for example an unpooled driver DataSource) instead of the
     * endpoint's DataSource. The probe keeps one connection of it between probes. Without it the probe already has
     * a connection of its own when the DataSource is a HikariCP pool (opened as the pool opens its connections, but
     * outside the pool, so that an application that exhausts its pool can never make a healthy endpoint look down);
     * give one for any other pool, or the probe holds one of that pool's connections.
     */
    public Endpoint withProbeDataSource(DataSource probeDataSource) {
        return new Endpoint(name, region, dataSource, priority, Objects.requireNonNull(probeDataSource, "probeDataSource"));
    }

    public String name() {
        return name;
    }

    public String region() {
        return region;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public int priority() {
        return priority;
    }

    /**
     * The DataSource probes use: the one given to {@link #withProbeDataSource}, else {@link #dataSource()} (whose
     * connections, for a HikariCP pool, the probe opens outside the pool).
     */
    public DataSource probeDataSource() {
        return probeDataSource != null ? probeDataSource : dataSource;
    }

    /** The one given to {@link #withProbeDataSource}, or null. */
    DataSource probeDataSourceIfSet() {
        return probeDataSource;
    }

    @Override
    public String toString() {
        return "Endpoint{name=" + name + ", region=" + region + ", priority=" + priority + "}";
    }
}
