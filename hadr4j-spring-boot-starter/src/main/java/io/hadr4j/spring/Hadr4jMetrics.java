package io.hadr4j.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.datasource.RouterEvent;
import io.hadr4j.core.datasource.RouterSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * What the routers do, as Micrometer meters, every one tagged {@code router} (the router's name):
 * <ul>
 *   <li>{@value #FAILOVERS} (counter) and {@value #FAILOVER_DURATION} (timer: from losing the old primary to
 *       routing writes to the new one), tagged {@code cause}, {@code from} and {@code to} (the timer by
 *       {@code cause} only); {@code cause} is what the old primary was when writes moved: {@code primary-down}
 *       (unreachable, killed), {@code primary-read-only} (turned read-only in place, as in an Azure SQL
 *       failover-group failover), {@code primary-demoted} (now a standby: a switchover), {@code primary-fenced}
 *       (a stale primary of a split brain), else {@code other};</li>
 *   <li>{@value #CONNECTION_ERRORS} (counter), tagged {@code endpoint} and {@code kind}: {@code connection-lost}
 *       or {@code read-only}, the errors of handed-out connections that made the router re-probe;</li>
 *   <li>{@value #FENCINGS} (counter) per {@code endpoint}: how often it was fenced;</li>
 *   <li>gauges, from the router's snapshot: {@value #WRITABLE} (1 while writes have a route), and per
 *       {@code endpoint} (with its {@code region}) {@value #ROLE} (1 for the {@code role} it has, 0 for the others),
 *       {@value #LAG} (seconds; NaN while unknown) and {@value #FENCED} (1 while fenced);</li>
 *   <li>the endpoints' HikariCP pools, through HikariCP's own Micrometer tracker ({@code hikaricp.*}, tag
 *       {@code pool} {@code <router>-<endpoint>}), unless a pool already has a metrics tracker.</li>
 * </ul>
 * Counters and timers come from {@link RouterEvent}s, which listeners receive on the router's own thread; this one
 * only updates meters.
 */
final class Hadr4jMetrics implements MeterBinder {

    static final String FAILOVERS = "hadr4j.failovers";
    static final String FAILOVER_DURATION = "hadr4j.failover.duration";
    static final String CONNECTION_ERRORS = "hadr4j.connection.errors";
    static final String FENCINGS = "hadr4j.fencings";
    static final String WRITABLE = "hadr4j.writable";
    static final String ROLE = "hadr4j.endpoint.role";
    static final String LAG = "hadr4j.endpoint.lag";
    static final String FENCED = "hadr4j.endpoint.fenced";

    private static final Logger LOG = LoggerFactory.getLogger(Hadr4jMetrics.class);
    private static final long SNAPSHOT_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final List<RegionAwareDataSource> routers;

    Hadr4jMetrics(List<RegionAwareDataSource> routers) {
        this.routers = List.copyOf(routers);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (RegionAwareDataSource ds : routers) bind(ds, registry);
    }

    private void bind(RegionAwareDataSource ds, MeterRegistry registry) {
        Tags router = Tags.of("router", ds.config().name());
        Snapshots snapshots = new Snapshots(ds);
        Gauge.builder(WRITABLE, snapshots, s -> s.get().writeEndpoint() != null ? 1 : 0).tags(router).strongReference(true)
                .description("1 while writes have a route to a primary, else 0").register(registry);
        for (Endpoint e : ds.endpoints()) {
            String name = e.name();
            Tags tags = router.and("endpoint", name, "region", e.region());
            for (Role role : Role.values()) {
                Gauge.builder(ROLE, snapshots, s -> s.get().endpoint(name).role() == role ? 1 : 0).tags(tags.and("role", role.name()))
                        .strongReference(true).description("1 for the role the endpoint reported at its last probe, 0 for the others").register(registry);
            }
            TimeGauge.builder(LAG, snapshots, TimeUnit.MILLISECONDS, s -> {
                Duration lag = s.get().endpoint(name).lag();
                return lag == null ? Double.NaN : lag.toMillis();
            }).tags(tags).strongReference(true).description("The endpoint's replication lag as last measured (NaN while unknown)").register(registry);
            Gauge.builder(FENCED, snapshots, s -> s.get().endpoint(name).fenced() ? 1 : 0).tags(tags).strongReference(true)
                    .description("1 while the router refuses the endpoint reads and writes (a stale primary)").register(registry);
            if (e.dataSource() instanceof HikariDataSource pool && pool.getMetricsTrackerFactory() == null && pool.getMetricRegistry() == null) {
                try {
                    pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
                } catch (RuntimeException x) {
                    LOG.debug("hadr4j: the pool of {} keeps its metrics as they are: {}", name, x.toString());
                }
            }
        }
        ds.addListener(event -> record(registry, router, snapshots, event));
    }

    void record(MeterRegistry registry, Tags router, Snapshots snapshots, RouterEvent event) {
        switch (event.type()) {
            case WRITE_ROUTE_CHANGED -> {
                String from = event.previousWriter();
                if (from == null || from.equals(event.writer())) return; // the first route, or the same primary back
                String cause = cause(snapshots.fresh(), from);
                Counter.builder(FAILOVERS).tags(router.and("cause", cause, "from", from, "to", event.writer()))
                        .description("Write-route changes from one primary to another").register(registry).increment();
                if (event.switchDuration() != null) {
                    Timer.builder(FAILOVER_DURATION).tags(router.and("cause", cause))
                            .description("From losing the old primary to routing writes to the new one").register(registry)
                            .record(event.switchDuration());
                }
            }
            case CONNECTION_ERROR -> Counter.builder(CONNECTION_ERRORS)
                    .tags(router.and("endpoint", String.valueOf(event.endpoint()), "kind", kind(event.cause())))
                    .description("Errors of handed-out connections that made the router evict them and re-probe").register(registry).increment();
            case ENDPOINT_FENCED -> Counter.builder(FENCINGS).tags(router.and("endpoint", String.valueOf(event.endpoint())))
                    .description("Times an endpoint that claimed primary was fenced").register(registry).increment();
            default -> {
            }
        }
    }

    /** What the old primary {@code from} was when writes moved away from it. */
    static String cause(RouterSnapshot s, String from) {
        RouterSnapshot.EndpointView old;
        try {
            old = s.endpoint(from);
        } catch (IllegalArgumentException e) {
            return "other";
        }
        return switch (old.role()) {
            case DOWN -> "primary-down";
            case READ_ONLY -> "primary-read-only";
            case SECONDARY -> "primary-demoted";
            case PRIMARY -> old.fenced() ? "primary-fenced" : "other";
            default -> "other";
        };
    }

    /** The kind of a CONNECTION_ERROR, from the words the router's cause uses for it. */
    static String kind(String cause) {
        if (cause == null) return "other";
        if (cause.contains("a read-only error")) return "read-only";
        if (cause.contains("a connection-lost error")) return "connection-lost";
        return "other";
    }

    /** The router's snapshot, taken at most every half second for the gauges of one scrape. */
    static final class Snapshots {
        private final RegionAwareDataSource ds;
        private volatile RouterSnapshot last;
        private volatile long takenAt;

        Snapshots(RegionAwareDataSource ds) {
            this.ds = ds;
        }

        RouterSnapshot get() {
            RouterSnapshot s = last;
            long now = System.nanoTime();
            if (s == null || now - takenAt > SNAPSHOT_AGE_NANOS) return fresh();
            return s;
        }

        RouterSnapshot fresh() {
            RouterSnapshot s = ds.snapshot();
            takenAt = System.nanoTime();
            last = s;
            return s;
        }
    }
}
