package io.hadr4j.core.datasource;


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

    /**
     * An endpoint. Every value is checked here, each failure an {@link IllegalArgumentException} that says what to
     * change; what needs all endpoints (unique names, one DataSource each) is checked when the
     * {@link RegionAwareDataSource} is built.
     */
    public static Endpoint of(String name, String region, DataSource dataSource, int priority) {
        String how = "; for example Endpoint.of(\"a\", \"westeurope\", poolOfServerA)";
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an endpoint has no name (was " + (name == null ? "null" : "'" + name + "'")
                    + "); give every endpoint a unique name" + how);
        }
        String shown = io.hadr4j.core.Secrets.mask(name);
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("endpoint '" + shown + "' has no region; set the region its server is in" + how);
        }
        if (dataSource == null) {
            throw new IllegalArgumentException("endpoint '" + shown + "' has no DataSource; pass the pool that connects to its server" + how);
        }
        if (priority < 0) {
            throw new IllegalArgumentException("endpoint '" + shown + "' has priority " + priority
                    + "; priorities must be 0 or more (lower is preferred)");
        }
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
        if (probeDataSource == null) {
            throw new IllegalArgumentException("endpoint '" + io.hadr4j.core.Secrets.mask(name) + "': withProbeDataSource(null); pass "
                    + "a DataSource of its own for the probes (for example an unpooled driver DataSource), or do not call it");
        }
        if (probeDataSource == dataSource) {
            throw new IllegalArgumentException("endpoint '" + io.hadr4j.core.Secrets.mask(name) + "': the probe DataSource is the "
                    + "endpoint's own pool, so an exhausted pool would still make it look down; pass a DataSource of its own");
        }
        return new Endpoint(name, region, dataSource, priority, probeDataSource);
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
        return io.hadr4j.core.Secrets.mask("Endpoint{name=" + name + ", region=" + region + ", priority=" + priority + "}");
    }
}
