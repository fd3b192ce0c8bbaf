package io.hadr4j.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import io.hadr4j.core.region.RegionInfo;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

    private static final HealthRegistryConfig FAST = HealthRegistryConfig.custom()
            .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50)).drainDelay(Duration.ZERO).build();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void aHungCheckTimesOutWithoutBlockingOtherChecksOrLaterRoundsAndIsNeverRunTwiceAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hungCalls = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger fastCalls = new AtomicInteger();
        AtomicBoolean hang = new AtomicBoolean(true);
        HealthCheck hung = HealthCheck.of("hung", HealthGroup.READINESS, () -> {
            hungCalls.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                while (hang.get() && !release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    // ignores interrupts, like a driver blocked in a socket read
                }
                return HealthResult.up();
            } catch (InterruptedException e) {
                // keep hanging: a real driver would not notice the interrupt
                release.await();
                return HealthResult.up();
            } finally {
                concurrent.decrementAndGet();
            }
        });
        HealthCheck fast = HealthCheck.of("fast", HealthGroup.READINESS, () -> {
            fastCalls.incrementAndGet();
            return HealthResult.up();
        });
        try (HealthRegistry registry = HealthRegistry.of(FAST).register(hung).register(fast).start()) {
            HealthHttp.await(PATIENCE, "hung check DOWN with timedOut",
                    () -> Boolean.TRUE.equals(registry.report().check("hung").data().get("timedOut")));
            HealthReport.Entry entry = registry.report(HealthGroup.READINESS).check("hung");
            assertEquals(HealthStatus.DOWN, entry.status());
            assertEquals("timed out after 50 ms", entry.data().get("error"));
            assertNotNull(entry.takenAt());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.READINESS).status());

            int before = fastCalls.get();
            HealthHttp.await(PATIENCE, "later rounds go on", () -> fastCalls.get() >= before + 5);
            assertEquals(HealthStatus.UP, registry.report().check("fast").status());
            assertEquals(1, hungCalls.get(), "no second evaluation while the first one still runs");

            hang.set(false);
            release.countDown();
            HealthHttp.await(PATIENCE, "the hung check recovers", () -> registry.report().check("hung").status() == HealthStatus.UP);
            HealthHttp.await(PATIENCE, "it is evaluated again", () -> hungCalls.get() >= 3);
            assertEquals(1, maxConcurrent.get(), "never two evaluations of one check at once");
            assertEquals(HealthStatus.UP, registry.report().status());
        }
    }

    @Test
    void aCheckThatThrowsIsDownWithTheError() throws Exception {
        try (HealthRegistry registry = HealthRegistry.of(FAST).register(HealthCheck.of("boom", HealthGroup.READINESS,
                () -> {
                    throw new IllegalStateException("no route to primary");
                })).register(HealthCheck.of("null", HealthGroup.READINESS, () -> null)).start()) {
            HealthHttp.await(PATIENCE, "evaluated", () -> !registry.report().check("boom").pending()
                    && !registry.report().check("null").pending());
            assertEquals("IllegalStateException: no route to primary", registry.report().check("boom").data().get("error"));
            assertEquals(HealthStatus.DOWN, registry.report().check("null").status());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.READINESS).status());
            assertEquals(HealthStatus.UP, registry.report(HealthGroup.LIVENESS).status());
        }
    }

    @Test
    void pendingChecksCountDownForReadinessAndStartupAndUpForLiveness() {
        try (HealthRegistry registry = HealthRegistry.of(FAST)
                .register(HealthCheck.of("live", HealthGroup.LIVENESS, HealthResult::up))
                .register(HealthCheck.of("ready", HealthGroup.READINESS, HealthResult::up))) {
            assertEquals(HealthStatus.UP, registry.report(HealthGroup.LIVENESS).status());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.READINESS).status());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.STARTUP).status(), "even with no startup check");
            assertEquals(HealthStatus.DOWN, registry.report().status());
            assertTrue(registry.report().check("ready").pending());
            assertEquals(HealthStatus.UP, registry.report().check("live").status());
        }
    }

    @Test
    void aggregateIsDownWhenAnyCheckIsDown() throws Exception {
        AtomicReference<HealthResult> second = new AtomicReference<>(HealthResult.up());
        try (HealthRegistry registry = HealthRegistry.of(FAST)
                .register(HealthCheck.of("a", HealthGroup.READINESS, HealthResult::up))
                .register(HealthCheck.of("b", HealthGroup.READINESS, second::get)).start()) {
            HealthHttp.await(PATIENCE, "UP", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            second.set(HealthResult.down());
            HealthHttp.await(PATIENCE, "DOWN", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.DOWN);
            assertEquals(HealthStatus.UP, registry.report().check("a").status());
        }
    }

    @Test
    void markStartedIsReflectedWithoutWaitingForTheNextRound() throws Exception {
        HealthRegistryConfig slow = HealthRegistryConfig.custom().interval(Duration.ofHours(1)).build();
        StartupHealthCheck startup = HealthChecks.startup();
        try (HealthRegistry registry = HealthRegistry.of(slow).register(startup).start()) {
            HealthHttp.await(PATIENCE, "first round", () -> !registry.report().check("started").pending());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.STARTUP).status());
            startup.markStarted();
            HealthHttp.await(PATIENCE, "started", () -> registry.report(HealthGroup.STARTUP).status() == HealthStatus.UP);
        }
    }

    @Test
    void aRefreshWhileTheCheckIsRunningIsNotLost() throws Exception {
        HealthRegistryConfig slow = HealthRegistryConfig.custom()
                .interval(Duration.ofHours(2)).timeout(Duration.ofHours(1)).build();
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean up = new AtomicBoolean(false);
        AtomicInteger calls = new AtomicInteger();
        HealthCheck check = HealthCheck.of("flag", HealthGroup.READINESS, () -> {
            boolean value = up.get(); // read at the start, like a query that sees the state of its moment
            if (calls.incrementAndGet() == 1) {
                firstRunStarted.countDown();
                release.await();
            }
            return HealthResult.of(HealthStatus.of(value));
        });
        try (HealthRegistry registry = HealthRegistry.of(slow).register(check).start()) {
            firstRunStarted.await();
            up.set(true);
            registry.refresh(); // the check is still running: the refresh must not be dropped
            Thread.sleep(100);
            assertEquals(1, calls.get(), "never two evaluations at once");
            release.countDown();
            HealthHttp.await(PATIENCE, "re-evaluated after the running one completed",
                    () -> registry.report().check("flag").status() == HealthStatus.UP);
            assertEquals(2, calls.get());
        }
    }

    @Test
    void drainTurnsReadinessDownAndTheShutdownHookDrainsThenStops() throws Exception {
        try (HealthRegistry registry = HealthRegistry.of(FAST)
                .register(HealthCheck.of("live", HealthGroup.LIVENESS, HealthResult::up))
                .register(HealthCheck.of("ready", HealthGroup.READINESS, HealthResult::up)).start()) {
            HealthHttp.await(PATIENCE, "ready", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            AtomicBoolean stoppedWhileDraining = new AtomicBoolean();
            Thread hook = registry.installShutdownHook(() -> stoppedWhileDraining.set(registry.isDraining()));
            try {
                hook.run(); // what the JVM does on SIGTERM
            } finally {
                assertTrue(Runtime.getRuntime().removeShutdownHook(hook));
            }
            assertTrue(stoppedWhileDraining.get(), "the container is stopped only after draining");
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.READINESS).status());
            assertEquals(HealthStatus.DOWN, registry.report(HealthGroup.READINESS).check(HealthRegistry.DRAIN_CHECK).status());
            assertEquals(HealthStatus.UP, registry.report(HealthGroup.LIVENESS).status());
            assertEquals(HealthStatus.UP, registry.report(HealthGroup.STARTUP).status());
        }
    }

    @Test
    void duplicateOrReservedNamesAreRefused() {
        try (HealthRegistry registry = HealthRegistry.ofDefaults()) {
            registry.register(HealthCheck.of("db", HealthGroup.READINESS, HealthResult::up));
            IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                    () -> registry.register(HealthCheck.of("db", HealthGroup.LIVENESS, HealthResult::up)));
            assertTrue(duplicate.getMessage().contains("unique name"), duplicate.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> registry.register(HealthCheck.of("drain", HealthGroup.LIVENESS, HealthResult::up)));
        }
    }

    @Test
    void configIsValidatedWithMessagesThatSayWhatToChange() {
        assertMessage("interval must be > 0", () -> HealthRegistryConfig.custom().interval(Duration.ZERO).build());
        assertMessage("timeout must be > 0", () -> HealthRegistryConfig.custom().timeout(Duration.ofSeconds(-1)).build());
        assertMessage("must be < interval", () -> HealthRegistryConfig.custom()
                .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(5)).build());
        assertMessage("drain delay must be >= 0", () -> HealthRegistryConfig.custom().drainDelay(Duration.ofSeconds(-1)).build());
        assertMessage("needs a DataSource", () -> JdbcHealthCheck.custom().build());
        assertMessage("non-blank name", () -> HealthCheck.of(" ", HealthGroup.LIVENESS, HealthResult::up));
        assertMessage("at least one group", () -> HealthChecks.replicationLag("lag", () -> Duration.ZERO, Duration.ZERO));
        assertMessage("maxLag must be >= 0", () -> HealthChecks.replicationLag("lag", () -> Duration.ZERO,
                Duration.ofSeconds(-1), HealthGroup.READINESS));
        assertMessage("must not be blank", () -> HealthServlet.bearerToken(""));
        HealthRegistryConfig defaults = HealthRegistryConfig.ofDefaults();
        assertEquals(Duration.ofSeconds(5), defaults.interval());
        assertEquals(Duration.ofSeconds(2), defaults.timeout());
    }

    @Test
    void readinessPolicyDecidesFromWritableAndReadable() {
        Map<String, Object> primary = Map.of("readable", true, "writable", true);
        Map<String, Object> readOnly = Map.of("readable", true, "writable", false);
        Map<String, Object> unreachable = Map.of("readable", false, "writable", false);
        assertEquals(HealthStatus.UP, ReadinessPolicy.REQUIRE_WRITABLE.statusOf(primary));
        assertEquals(HealthStatus.DOWN, ReadinessPolicy.REQUIRE_WRITABLE.statusOf(readOnly));
        assertEquals(HealthStatus.DOWN, ReadinessPolicy.REQUIRE_WRITABLE.statusOf(unreachable));
        assertEquals(HealthStatus.UP, ReadinessPolicy.ALLOW_READ_ONLY.statusOf(primary));
        assertEquals(HealthStatus.UP, ReadinessPolicy.ALLOW_READ_ONLY.statusOf(readOnly));
        assertEquals(HealthStatus.DOWN, ReadinessPolicy.ALLOW_READ_ONLY.statusOf(unreachable));
        assertEquals(HealthStatus.DOWN, ReadinessPolicy.ALLOW_READ_ONLY.statusOf(Map.of()));
    }

    @Test
    void builtInChecks() throws Exception {
        AtomicReference<Duration> lag = new AtomicReference<>(Duration.ofMillis(300));
        HealthCheck lagCheck = HealthChecks.replicationLag("replica-lag", lag::get, Duration.ofSeconds(1), HealthGroup.READINESS);
        assertEquals(HealthStatus.UP, lagCheck.check().status());
        assertEquals(300L, lagCheck.check().data().get("lagMs"));
        assertEquals(1000L, lagCheck.check().data().get("maxLagMs"));
        lag.set(Duration.ofSeconds(2));
        assertEquals(HealthStatus.DOWN, lagCheck.check().status());
        lag.set(null);
        assertEquals(HealthStatus.DOWN, lagCheck.check().status());
        assertEquals("unknown", lagCheck.check().data().get("lagMs"));

        // how the region-aware DataSource's snapshot plugs in
        AtomicReference<Map<String, Object>> snapshot = new AtomicReference<>(
                Map.of("writeRoute", "a", "readRoute", "b", "writable", false, "readable", true));
        HealthCheck routes = HealthChecks.fromData("datasource", snapshot::get, ReadinessPolicy.ALLOW_READ_ONLY,
                HealthGroup.READINESS);
        assertEquals(HealthStatus.UP, routes.check().status());
        assertEquals("a", routes.check().data().get("writeRoute"));
        HealthCheck strict = HealthChecks.fromData("datasource", snapshot::get, ReadinessPolicy.REQUIRE_WRITABLE,
                HealthGroup.READINESS);
        assertEquals(HealthStatus.DOWN, strict.check().status());

        HealthCheck region = HealthChecks.region("westeurope", null, "vm-1");
        assertEquals(Map.of("region", "westeurope", "host", "vm-1"), region.check().data());
        assertEquals(3, region.groups().size());
        HealthCheck fromEnv = HealthChecks.regionFromEnvironment();
        assertFalse(((String) fromEnv.check().data().get("host")).isBlank());
    }

    @Test
    void regionFromEnvironmentResolvesAsRegionInfoDoes() throws Exception {
        // A system property and a detector: sources RegionInfo reads and the environment variables alone do not.
        System.setProperty("hadr.region", "germanywestcentral");
        System.setProperty("hadr4j.test.detected-region", "ignored-the-property-wins");
        try {
            RegionInfo info = RegionInfo.resolve();
            Map<String, Object> data = HealthChecks.regionFromEnvironment().check().data();
            assertEquals("germanywestcentral", data.get("region"), data.toString());
            String zone = System.getenv("HADR_ZONE") == null || System.getenv("HADR_ZONE").isBlank() ? "zone-1" : System.getenv("HADR_ZONE").trim();
            assertEquals(zone, data.get("zone"), "the zone comes from HADR_ZONE, else from the detector: " + data);
            assertEquals(info.hostname(), data.get("host"));
            assertEquals(data, HealthChecks.region(info).check().data());
        } finally {
            System.clearProperty("hadr.region");
            System.clearProperty("hadr4j.test.detected-region");
        }
        assertThrows(IllegalArgumentException.class, () -> HealthChecks.region((RegionInfo) null));
    }

    @Test
    void resultsKeepOnlyWireTypesAndMaskSecrets() {
        HealthResult result = HealthResult.up()
                .withData("count", 3).withData("ratio", Double.NaN).withData("when", java.time.Instant.EPOCH)
                .withData("gone", null).withData("DB_PASSWORD", "x").withData("privateKey", "x")
                .withData("message", "url=jdbc:sqlserver://h;user=u;password=pa55;encrypt=true token: abc sig=zz");
        assertEquals(3, result.data().get("count"));
        assertEquals("NaN", result.data().get("ratio"));
        assertEquals("1970-01-01T00:00:00Z", result.data().get("when"));
        assertFalse(result.data().containsKey("gone"));
        assertEquals(HealthResult.MASK, result.data().get("DB_PASSWORD"));
        assertEquals(HealthResult.MASK, result.data().get("privateKey"));
        assertEquals("url=jdbc:sqlserver://h;user=u;password=******;encrypt=true token: ****** sig=******",
                result.data().get("message"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say '" + expected + "'");
    }
}
