package io.hadr4j.core.health;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterSnapshot;
import io.hadr4j.core.region.RegionInfo;

/**
 * Factories for the built-in checks. The JDBC check for any DataSource is {@link JdbcHealthCheck}; the check for a
 * {@link RegionAwareDataSource} is {@link #regionAwareDataSource(RegionAwareDataSource, ReadinessPolicy)}.
 */
public final class HealthChecks {

    /** The environment variable that names the region the process runs in. */
    public static final String REGION_ENV = "HADR_REGION";
    /** The environment variable that names the zone (availability domain, fault domain) the process runs in. */
    public static final String ZONE_ENV = "HADR_ZONE";

    private static final Set<HealthGroup> ALL_GROUPS = EnumSet.allOf(HealthGroup.class);

    private HealthChecks() {
    }

    /**
     * A check named {@code region}, always UP, whose data tells where this instance runs ({@code region},
     * {@code zone}, {@code host}; null values are left out). It belongs to every group so that a caller admitted
     * to details sees which region answered, whichever probe it asks.
     */
    public static HealthCheck region(String region, String zone, String host) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("region", region);
        data.put("zone", zone);
        data.put("host", host);
        HealthResult result = HealthResult.of(HealthStatus.UP, data);
        return HealthCheck.of("region", ALL_GROUPS, () -> result);
    }

    /**
     * {@link #region(RegionInfo)} of {@link RegionInfo#resolve()}: the region and zone as every part of hadr4j resolves
     * them (system properties {@code hadr.region}/{@code hadr.zone}, then {@value #REGION_ENV}/{@value #ZONE_ENV}, then
     * the {@link io.hadr4j.core.region.RegionDetector}s on the class path, such as App Service's or a cloud's instance
     * metadata), and this machine's host name.
     */
    public static HealthCheck regionFromEnvironment() {
        return region(RegionInfo.resolve());
    }

    /** {@link #region(String, String, String)} of where {@code info} says this process runs. */
    public static HealthCheck region(RegionInfo info) {
        if (info == null) {
            throw new IllegalArgumentException("region(RegionInfo) needs the RegionInfo to report, not null: RegionInfo.resolve() finds it");
        }
        return region(info.region(), info.zone(), info.hostname());
    }

    /**
     * A check from a source of data and a predicate that decides UP from that data. This is how a component that
     * reports its state as a map plugs in, with a {@link ReadinessPolicy} as the predicate when the map carries
     * {@code writable}/{@code readable}; {@link #regionAwareDataSource(RegionAwareDataSource, ReadinessPolicy)} is
     * built this way on the router's snapshot.
     */
    public static HealthCheck fromData(String name, Supplier<? extends Map<String, ?>> data,
                                       Predicate<? super Map<String, ?>> up, HealthGroup... groups) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(up, "up");
        return HealthCheck.of(name, groupsOf(groups), () -> {
            Map<String, ?> snapshot = data.get();
            if (snapshot == null) {
                return HealthResult.down().withData("error", "no data");
            }
            return HealthResult.of(HealthStatus.of(up.test(snapshot)), snapshot);
        });
    }

    /**
     * The check of a {@link RegionAwareDataSource}, named {@code database}, in the readiness group only (liveness must
     * never depend on a database). See {@link #regionAwareDataSource(String, RegionAwareDataSource, ReadinessPolicy,
     * HealthGroup...)}.
     */
    public static HealthCheck regionAwareDataSource(RegionAwareDataSource dataSource, ReadinessPolicy policy) {
        return regionAwareDataSource("database", dataSource, policy, HealthGroup.READINESS);
    }

    /**
     * A check that reports what the router of {@code dataSource} believes ({@link RegionAwareDataSource#snapshot()}):
     * it runs no query of its own, so it costs the database nothing and never waits on it; the router's background
     * probe (bounded by its probe timeout) keeps the snapshot current. {@code policy} decides UP or DOWN:
     * {@link ReadinessPolicy#REQUIRE_WRITABLE} (the usual choice) is UP while writes have a route,
     * {@link ReadinessPolicy#ALLOW_READ_ONLY} also while only reads have one (read-only degraded mode).
     *
     * <p>Data:
     * <ul>
     *   <li>{@value ReadinessPolicy#WRITABLE}: an endpoint takes writes; {@value ReadinessPolicy#READABLE}: the read
     *       view has somewhere to go (a fresh secondary of the local region, or the write endpoint);
     *       {@code policy}</li>
     *   <li>{@code writeEndpoint} (or {@code "none"} and {@code noWriteReason}); {@code readRoute}: where reads go,
     *       comma-separated, or {@code "none"}</li>
     *   <li>per endpoint {@code n}: {@code endpoint.n.region}, {@code .role}, {@code .fenced}, {@code .lagMs}
     *       ({@code "unknown"} when it cannot be measured), {@code .epoch} when known, {@code .error} when its last
     *       probe failed</li>
     *   <li>after a failover: {@code lastFailover} ({@code "a -> b"}), {@code lastFailoverMs} (from losing the old
     *       primary to routing writes to the new one) and {@code lastFailoverAt}</li>
     * </ul>
     * No URL, user or password: the endpoints' DataSources are never read.
     */
    public static HealthCheck regionAwareDataSource(String name, RegionAwareDataSource dataSource, ReadinessPolicy policy,
                                                    HealthGroup... groups) {
        if (dataSource == null) {
            throw new IllegalArgumentException("regionAwareDataSource needs the RegionAwareDataSource to report on, not null");
        }
        if (policy == null) {
            throw new IllegalArgumentException("regionAwareDataSource needs a ReadinessPolicy: REQUIRE_WRITABLE or ALLOW_READ_ONLY");
        }
        return fromData(name, () -> routerData(dataSource, policy), policy, groups);
    }

    private static Map<String, Object> routerData(RegionAwareDataSource dataSource, ReadinessPolicy policy) {
        RouterSnapshot s = dataSource.snapshot();
        boolean open = !dataSource.isClosed();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(ReadinessPolicy.WRITABLE, open && s.writeEndpoint() != null);
        data.put(ReadinessPolicy.READABLE, open && s.readable());
        data.put("policy", policy.name());
        if (!open) data.put("error", "the RegionAwareDataSource is closed");
        data.put("writeEndpoint", s.writeEndpoint() != null ? s.writeEndpoint() : "none");
        data.put("noWriteReason", s.noWriteReason());
        data.put("readRoute", !s.readEndpoints().isEmpty() ? String.join(",", s.readEndpoints())
                : s.writeEndpoint() != null ? s.writeEndpoint() : "none");
        for (RouterSnapshot.EndpointView e : s.endpoints()) {
            String p = "endpoint." + e.name() + ".";
            data.put(p + "region", e.region());
            data.put(p + "role", e.role().name());
            data.put(p + "fenced", e.fenced());
            data.put(p + "lagMs", e.lag() == null ? "unknown" : e.lag().toMillis());
            data.put(p + "epoch", e.epoch());
            data.put(p + "error", e.lastError());
        }
        if (s.lastFailoverAt() != null) {
            data.put("lastFailover", s.lastFailoverFrom() + " -> " + s.lastFailoverTo());
            data.put("lastFailoverMs", s.lastFailoverDuration().toMillis());
            data.put("lastFailoverAt", s.lastFailoverAt().toString());
        }
        return data;
    }

    /**
     * UP while the replication lag that {@code lag} reports is at most {@code maxLag}; DOWN when it is over or
     * unknown ({@code lag} returns null). Data: {@code lagMs}, {@code maxLagMs}.
     */
    public static HealthCheck replicationLag(String name, Supplier<Duration> lag, Duration maxLag,
                                             HealthGroup... groups) {
        Objects.requireNonNull(lag, "lag");
        if (maxLag == null || maxLag.isNegative()) {
            throw new IllegalArgumentException("maxLag must be >= 0 (was " + maxLag + "), e.g. Duration.ofSeconds(10)");
        }
        return HealthCheck.of(name, groupsOf(groups), () -> {
            Duration current = lag.get();
            HealthResult base = HealthResult.of(HealthStatus.of(current != null && current.compareTo(maxLag) <= 0));
            return base.withData("lagMs", current == null ? "unknown" : current.toMillis())
                    .withData("maxLagMs", maxLag.toMillis());
        });
    }

    /** A startup check named {@code started}; call {@link StartupHealthCheck#markStarted()} when ready. */
    public static StartupHealthCheck startup() {
        return new StartupHealthCheck("started");
    }

    static Set<HealthGroup> groupsOf(HealthGroup... groups) {
        return requireGroups(groups == null ? null : new HashSet<>(Arrays.asList(groups)));
    }

    static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a health check needs a non-blank name, e.g. \"database\"");
        }
        return name;
    }

    static Set<HealthGroup> requireGroups(Set<HealthGroup> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(
                    "a health check needs at least one group: LIVENESS, READINESS or STARTUP");
        }
        return Set.copyOf(groups);
    }
}
