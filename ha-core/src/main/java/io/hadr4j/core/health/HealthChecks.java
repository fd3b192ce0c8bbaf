package io.hadr4j.core.health;

import java.net.InetAddress;
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

/** Factories for the built-in checks. The JDBC check is {@link JdbcHealthCheck}. */
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
     * {@link #region(String, String, String)} from the environment: {@value #REGION_ENV}, {@value #ZONE_ENV} and
     * this machine's host name.
     */
    public static HealthCheck regionFromEnvironment() {
        return region(System.getenv(REGION_ENV), System.getenv(ZONE_ENV), hostName());
    }

    /**
     * A check from a source of data and a predicate that decides UP from that data. This is how a component that
     * reports its state as a map plugs in; for example the region-aware DataSource's snapshot (write route, read
     * route, each endpoint's role, lag, fenced state), with a {@link ReadinessPolicy} as the predicate when the
     * snapshot carries {@code writable}/{@code readable}.
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

    static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
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
