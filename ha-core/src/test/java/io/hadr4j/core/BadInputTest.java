package io.hadr4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.NoDataSource;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.health.HealthCheck;
import io.hadr4j.core.health.HealthGroup;
import io.hadr4j.core.health.HealthRegistry;
import io.hadr4j.core.health.HealthRegistryConfig;
import io.hadr4j.core.health.HealthResult;

/**
 * Bad input, named: every setting of RouterConfig, Endpoint, RestoreRequest and the health registry, given a bad value
 * (null, zero, negative, absurdly large, blank, duplicate), fails when the object is built, and the message names the
 * setting and says what to change (the accepted range, or an example). No database: nothing here gets that far.
 *
 * <p>Upper bounds (chosen so that a unit mistake fails, not a real need): probeInterval 1 h, probeTimeout 10 min,
 * failoverTimeout 1 h, maxReadLag 1 day; health interval 1 day, drain delay 10 min; restore timeout 7 days.
 */
class BadInputTest {

    private static final Duration ABSURD = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Duration NEGATIVE_ABSURD = Duration.ofSeconds(Long.MIN_VALUE);

    // ---- RouterConfig ----

    @Test
    void routerConfigNameAndRegion() {
        assertBad(() -> RouterConfig.custom().name(null).build(), "name must not be blank", "RouterConfig.custom().name(");
        assertBad(() -> RouterConfig.custom().name("").build(), "name must not be blank");
        assertBad(() -> RouterConfig.custom().name(" \t").build(), "name must not be blank");
        assertBad(() -> RouterConfig.custom().localRegion(" ").build(), "localRegion must not be blank", "localRegion(\"westeurope\")");
        assertEquals(null, RouterConfig.custom().localRegion(null).build().localRegion(), "null: resolved from the environment");
    }

    @Test
    void routerConfigProbeInterval() {
        assertBad(() -> RouterConfig.custom().probeInterval(null).build(), "probeInterval must not be null", "probeInterval(Duration.ofSeconds(1))");
        assertBad(() -> RouterConfig.custom().probeInterval(Duration.ZERO).build(), "probeInterval must be at least 100 ms (was 0 ms)");
        assertBad(() -> RouterConfig.custom().probeInterval(Duration.ofMillis(-1)).build(), "probeInterval must be at least 100 ms");
        assertBad(() -> RouterConfig.custom().probeInterval(NEGATIVE_ABSURD).build(), "probeInterval must be at least 100 ms");
        assertBad(() -> RouterConfig.custom().probeInterval(Duration.ofHours(1).plusMillis(1)).build(),
                "probeInterval must be at most 3600000 ms (PT1H)", "from 100 ms to 3600000 ms");
        assertBad(() -> RouterConfig.custom().probeInterval(ABSURD).build(), "probeInterval must be at most", "probeInterval(");
        assertEquals(Duration.ofHours(1), RouterConfig.custom().probeInterval(Duration.ofHours(1)).build().probeInterval(), "the bound itself is fine");
    }

    @Test
    void routerConfigProbeTimeout() {
        assertBad(() -> RouterConfig.custom().probeTimeout(null).build(), "probeTimeout must not be null");
        assertBad(() -> RouterConfig.custom().probeTimeout(Duration.ZERO).build(), "probeTimeout must be at least 100 ms");
        assertBad(() -> RouterConfig.custom().probeTimeout(Duration.ofSeconds(-3)).build(), "probeTimeout must be at least 100 ms (was -3000 ms)");
        assertBad(() -> RouterConfig.custom().probeTimeout(Duration.ofMinutes(11)).failoverTimeout(Duration.ofMinutes(30)).build(),
                "probeTimeout must be at most 600000 ms (PT10M)");
        assertBad(() -> RouterConfig.custom().probeTimeout(ABSURD).build(), "probeTimeout must be at most");
    }

    @Test
    void routerConfigFailoverTimeout() {
        assertBad(() -> RouterConfig.custom().failoverTimeout(null).build(), "failoverTimeout must not be null");
        assertBad(() -> RouterConfig.custom().failoverTimeout(Duration.ofMillis(-1)).build(), "failoverTimeout must be at least 0 ms");
        assertBad(() -> RouterConfig.custom().failoverTimeout(Duration.ofHours(2)).build(), "failoverTimeout must be at most 3600000 ms (PT1H)");
        assertBad(() -> RouterConfig.custom().failoverTimeout(ABSURD).build(), "failoverTimeout must be at most");
        assertBad(() -> RouterConfig.custom().failoverTimeout(Duration.ofMillis(500)).probeTimeout(Duration.ofSeconds(2)).build(),
                "failoverTimeout (500 ms) is shorter than probeTimeout (2000 ms)", "raise failoverTimeout");
        assertEquals(Duration.ZERO, RouterConfig.custom().failoverTimeout(Duration.ZERO).build().failoverTimeout(), "zero: never wait");
    }

    @Test
    void routerConfigMaxReadLag() {
        assertBad(() -> RouterConfig.custom().maxReadLag(null).build(), "maxReadLag must not be null", "maxReadLag(Duration.ofSeconds(5))");
        assertBad(() -> RouterConfig.custom().maxReadLag(Duration.ofMillis(-5)).build(), "maxReadLag must be at least 0 ms");
        assertBad(() -> RouterConfig.custom().maxReadLag(Duration.ofDays(2)).build(), "maxReadLag must be at most 86400000 ms (PT24H)");
        assertBad(() -> RouterConfig.custom().maxReadLag(ABSURD).build(), "maxReadLag must be at most");
        assertEquals(Duration.ZERO, RouterConfig.custom().maxReadLag(Duration.ZERO).build().maxReadLag(), "zero: only a lag-free secondary");
    }

    @Test
    void routerConfigOptionalSettingsAcceptNullAsTheirDefault() {
        RouterConfig c = RouterConfig.custom().dialect(null).circuitBreakerConfig(null).retryConfig(null)
                .circuitBreakerRegistry(null).retryRegistry(null).epochFile(null).build();
        assertEquals(null, c.dialect(), "null dialect: detected from the driver");
        assertEquals(null, c.retryConfig());
        assertEquals(null, c.epochFile());
    }

    // ---- Endpoint ----

    @Test
    void endpointValuesAreCheckedWhenTheEndpointIsMade() {
        DataSource pool = new NoDataSource();
        assertBad(() -> Endpoint.of(null, "r1", pool), "an endpoint has no name (was null)", "Endpoint.of(\"a\"");
        assertBad(() -> Endpoint.of("", "r1", pool), "an endpoint has no name (was '')");
        assertBad(() -> Endpoint.of("  ", "r1", pool), "has no name", "give every endpoint a unique name");
        assertBad(() -> Endpoint.of("a", null, pool), "endpoint 'a' has no region", "set the region its server is in");
        assertBad(() -> Endpoint.of("a", " ", pool), "endpoint 'a' has no region");
        assertBad(() -> Endpoint.of("a", "r1", null), "endpoint 'a' has no DataSource", "pass the pool");
        assertBad(() -> Endpoint.of("a", "r1", pool, -1), "endpoint 'a' has priority -1", "0 or more");
        assertBad(() -> Endpoint.of("a", "r1", pool, Integer.MIN_VALUE), "priorities must be 0 or more");
        assertBad(() -> Endpoint.of("a", "r1", pool).withProbeDataSource(null), "withProbeDataSource(null)", "a DataSource of its own");
        assertBad(() -> Endpoint.of("a", "r1", pool).withProbeDataSource(pool), "the probe DataSource is the endpoint's own pool");
        assertEquals(Integer.MAX_VALUE, Endpoint.of("a", "r1", pool, Integer.MAX_VALUE).priority());
    }

    @Test
    void endpointListsAreCheckedWhenTheRouterIsBuilt() {
        RouterConfig c = RouterConfig.custom().localRegion("r1").build();
        DataSource a = new NoDataSource();
        DataSource b = new NoDataSource();
        assertBad(() -> RegionAwareDataSource.create(c, List.of()), "at least one endpoint is needed", "Endpoint.of(");
        assertBad(() -> RegionAwareDataSource.create(c, (List<Endpoint>) null), "at least one endpoint is needed");
        assertBad(() -> RegionAwareDataSource.create(c, java.util.Arrays.asList(Endpoint.of("a", "r1", a), null)), "endpoint #2 is null");
        assertBad(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", a), Endpoint.of("a", "r2", b)),
                "two endpoints are named 'a'", "unique");
        assertBad(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", a), Endpoint.of("b", "r2", a)),
                "endpoints 'a' and 'b' share one DataSource");
        assertBad(() -> RegionAwareDataSource.create(null, List.of(Endpoint.of("a", "r1", a))), "config must not be null", "RouterConfig.ofDefaults()");
    }

    // ---- RestoreRequest ----

    private static RestoreRequest.Builder restore() {
        return RestoreRequest.builder().targetName("orders-restore-1").pointInTime(Instant.parse("2026-11-25T03:40:00Z"));
    }

    @Test
    void restoreRequestTargetName() {
        assertBad(() -> restore().targetName(null).build(), "targetName is missing", "targetName(\"orders-restore-1\")");
        assertBad(() -> restore().targetName(" ").build(), "targetName is missing");
        assertBad(() -> restore().targetName("Orders").build(), "targetName 'Orders' is not valid", "lower-case");
        assertBad(() -> restore().targetName("1orders").build(), "is not valid", "starting with a letter");
        assertBad(() -> restore().targetName("a".repeat(64)).build(), "is not valid", "1 to 63");
        assertEquals("a".repeat(63), restore().targetName("a".repeat(63)).build().targetName());
    }

    @Test
    void restoreRequestPointAndLogPosition() {
        assertBad(() -> restore().pointInTime(null).build(), "pointInTime is missing", "restoreWindow()");
        assertBad(() -> restore().pointInTime(null).logPosition(" ").build(), "logPosition ' ' is not a log position", "0/3000060");
        assertBad(() -> restore().pointInTime(null).logPosition("x".repeat(65)).build(), "is not a log position", "1 to 64");
        assertBad(() -> restore().logPosition("0/3000060").build(), "both pointInTime", "set only one of them");
        assertEquals("log position 0/3000060", restore().pointInTime(null).logPosition("0/3000060").build().restorePoint());
    }

    @Test
    void restoreRequestTimeoutAndListener() {
        assertBad(() -> restore().timeout(null).build(), "timeout must be positive and at most 7 days, got null", "timeout(Duration.ofMinutes(30))");
        assertBad(() -> restore().timeout(Duration.ZERO).build(), "timeout must be positive", "got PT0S");
        assertBad(() -> restore().timeout(Duration.ofMinutes(-1)).build(), "timeout must be positive");
        assertBad(() -> restore().timeout(Duration.ofDays(8)).build(), "at most 7 days", "got PT192H");
        assertBad(() -> restore().timeout(ABSURD).build(), "at most 7 days");
        assertEquals(RestoreRequest.MAX_TIMEOUT, restore().timeout(Duration.ofDays(7)).build().timeout());
        NullPointerException listener = assertThrows(NullPointerException.class, () -> restore().progressListener(null));
        assertTrue(listener.getMessage().contains("pass ProgressListener.NONE"), listener.getMessage());
    }

    // ---- the health registry ----

    @Test
    void healthRegistryConfig() {
        assertBad(() -> HealthRegistryConfig.custom().interval(null).build(), "health interval must be > 0 (was null)", "interval(");
        assertBad(() -> HealthRegistryConfig.custom().interval(Duration.ZERO).build(), "health interval must be > 0");
        assertBad(() -> HealthRegistryConfig.custom().interval(Duration.ofSeconds(-1)).build(), "health interval must be > 0");
        assertBad(() -> HealthRegistryConfig.custom().interval(Duration.ofDays(2)).build(), "health interval must be at most PT24H", "to 1 day");
        assertBad(() -> HealthRegistryConfig.custom().interval(ABSURD).build(), "health interval must be at most");
        assertBad(() -> HealthRegistryConfig.custom().timeout(null).build(), "health timeout must be > 0");
        assertBad(() -> HealthRegistryConfig.custom().timeout(Duration.ZERO).build(), "health timeout must be > 0");
        assertBad(() -> HealthRegistryConfig.custom().timeout(Duration.ofSeconds(5)).build(), "must be < interval", "lower timeout(...) or raise interval(...)");
        assertBad(() -> HealthRegistryConfig.custom().timeout(ABSURD).build(), "must be < interval");
        assertBad(() -> HealthRegistryConfig.custom().drainDelay(null).build(), "drain delay must be >= 0 (was null)");
        assertBad(() -> HealthRegistryConfig.custom().drainDelay(Duration.ofSeconds(-1)).build(), "drain delay must be >= 0");
        assertBad(() -> HealthRegistryConfig.custom().drainDelay(Duration.ofMinutes(11)).build(), "drain delay must be at most PT10M", "0 to 10 minutes");
        assertBad(() -> HealthRegistryConfig.custom().drainDelay(ABSURD).build(), "drain delay must be at most");
        assertEquals(Duration.ZERO, HealthRegistryConfig.custom().drainDelay(Duration.ZERO).build().drainDelay());
    }

    @Test
    void healthRegistryRegistrations() {
        assertBad(() -> HealthRegistry.of(null), "HealthRegistry.of(null)", "HealthRegistryConfig.ofDefaults()");
        try (HealthRegistry registry = HealthRegistry.ofDefaults()) {
            assertBad(() -> registry.register(null), "register(null)", "HealthCheck.of(");
            assertBad(() -> registry.register(check(() -> null, Set.of(HealthGroup.READINESS))), "non-blank name", "\"database\"");
            assertBad(() -> registry.register(check(() -> " ", Set.of(HealthGroup.READINESS))), "non-blank name");
            assertBad(() -> registry.register(check(() -> "db", () -> null)), "at least one group", "LIVENESS, READINESS or STARTUP");
            assertBad(() -> registry.register(check(() -> "db", Set::of)), "at least one group");
            assertBad(() -> registry.register(check(() -> {
                throw new IllegalStateException("no name yet: jdbc:x://h;password=hunter2");
            }, Set.of(HealthGroup.READINESS))), "name() threw", "must answer at registration");
            registry.register(HealthCheck.of("db", HealthGroup.READINESS, HealthResult::up));
            assertBad(() -> registry.register(HealthCheck.of("db", HealthGroup.LIVENESS, HealthResult::up)),
                    "a health check named 'db' is already registered", "give each check a unique name");
            assertBad(() -> registry.register(HealthCheck.of("drain", HealthGroup.LIVENESS, HealthResult::up)),
                    "reserved for draining");
            assertEquals(1, registry.report().checks().size(), "a refused check is not registered");
        }
        assertBad(() -> HealthCheck.of(null, HealthGroup.READINESS, HealthResult::up), "non-blank name");
        assertBad(() -> HealthCheck.of("db", (Set<HealthGroup>) null, HealthResult::up), "at least one group");
        assertBad(() -> HealthCheck.of("db", Set.of(), HealthResult::up), "at least one group");
    }

    private static HealthCheck check(Supplier<String> name, Supplier<Set<HealthGroup>> groups) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name.get();
            }

            @Override
            public Set<HealthGroup> groups() {
                return groups.get();
            }

            @Override
            public HealthResult check() {
                return HealthResult.up();
            }
        };
    }

    private static HealthCheck check(Supplier<String> name, Set<HealthGroup> groups) {
        return check(name, () -> groups);
    }

    /** Fails unless {@code build} throws an IllegalArgumentException whose message has every fragment and no secret. */
    private static void assertBad(Executable build, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should say '" + f + "'");
        }
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
