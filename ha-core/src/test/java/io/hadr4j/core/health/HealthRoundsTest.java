package io.hadr4j.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** No exception of a check, from any of its methods, stops the registry's rounds or freezes what it serves. */
class HealthRoundsTest {

    private static final HealthRegistryConfig FAST = HealthRegistryConfig.custom()
            .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50)).drainDelay(Duration.ZERO).build();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /**
     * A check whose groups() answers until it is armed, then throws: on every later call, or once, on the
     * registry's scheduler thread (where a throw used to cancel {@code scheduleAtFixedRate} for good).
     */
    private static final class UnreliableGroups implements HealthCheck {
        final AtomicInteger checkCalls = new AtomicInteger();
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicBoolean thrown = new AtomicBoolean();
        final boolean always;

        UnreliableGroups(boolean armed, boolean always) {
            this.armed.set(armed);
            this.always = always;
        }

        @Override
        public String name() {
            return "flaky-groups";
        }

        @Override
        public Set<HealthGroup> groups() {
            boolean scheduler = Thread.currentThread().getName().contains("-scheduler");
            if (armed.get() && (always || scheduler && thrown.compareAndSet(false, true))) {
                throw new IllegalStateException("groups() broke: jdbc:postgresql://db/app?password=hunter2");
            }
            return Set.of(HealthGroup.READINESS);
        }

        @Override
        public HealthResult check() {
            checkCalls.incrementAndGet();
            return HealthResult.up();
        }
    }

    @ParameterizedTest(name = "groups() throws {0} after registration")
    @ValueSource(strings = {"once", "always"})
    void aCheckWhoseGroupsThrowsStopsNeitherTheRoundsNorTheOtherChecks(String how) throws Exception {
        UnreliableGroups flaky = new UnreliableGroups(false, "always".equals(how));
        AtomicInteger otherCalls = new AtomicInteger();
        AtomicBoolean otherUp = new AtomicBoolean(true);
        HealthCheck other = HealthCheck.of("other", HealthGroup.READINESS, () -> {
            otherCalls.incrementAndGet();
            return HealthResult.of(HealthStatus.of(otherUp.get()));
        });
        try (HealthRegistry registry = HealthRegistry.of(FAST).register(flaky).register(other)) {
            flaky.armed.set(true); // from the first scheduled round on
            registry.start();
            HealthHttp.await(PATIENCE, "the first round's results published",
                    () -> registry.report().check("other").status() == HealthStatus.UP
                            && registry.report().check("flaky-groups").status() == HealthStatus.UP);
            int before = otherCalls.get();
            int flakyBefore = flaky.checkCalls.get();
            HealthHttp.await(PATIENCE, "later rounds run", () -> otherCalls.get() >= before + 5
                    && flaky.checkCalls.get() >= flakyBefore + 5);
            otherUp.set(false);
            HealthHttp.await(PATIENCE, "what is served keeps refreshing",
                    () -> registry.report().check("other").status() == HealthStatus.DOWN
                            && registry.report(HealthGroup.READINESS).status() == HealthStatus.DOWN);
            otherUp.set(true);
            HealthHttp.await(PATIENCE, "and again", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            assertTrue(registry.report(HealthGroup.READINESS).checks().stream().anyMatch(e -> e.name().equals("flaky-groups")),
                    "the check keeps the groups it registered with");
            assertFalse(registry.report(HealthGroup.LIVENESS).checks().stream().anyMatch(e -> e.name().equals("flaky-groups")));
        }
    }

    @Test
    void aCheckWhoseGroupsThrowsAtRegistrationIsRefusedWithItsNameAndWhatToChange() {
        try (HealthRegistry registry = HealthRegistry.of(FAST)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> registry.register(new UnreliableGroups(true, true)));
            assertTrue(e.getMessage().contains("'flaky-groups'") && e.getMessage().contains("groups()"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertEquals(0, registry.report().checks().size());
        }
    }

    @ParameterizedTest(name = "check() throws {0}")
    @ValueSource(strings = {"StackOverflowError", "OutOfMemoryError", "RuntimeException", "Exception"})
    void anyThrowableOfACheckIsDownWithTheMaskedReasonAndTheCheckKeepsBeingEvaluated(String kind) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean fail = new AtomicBoolean(true);
        String secretMessage = "cannot reach jdbc:sqlserver://h;user=app;password=hunter2;encrypt=true";
        Callable<HealthResult> body = () -> {
            calls.incrementAndGet();
            if (fail.get()) {
                switch (kind) {
                    case "StackOverflowError": throw new StackOverflowError(secretMessage);
                    case "OutOfMemoryError": throw new OutOfMemoryError(secretMessage);
                    case "RuntimeException": throw new IllegalStateException(secretMessage);
                    default: throw new Exception(secretMessage);
                }
            }
            return HealthResult.up();
        };
        try (HealthRegistry registry = HealthRegistry.of(FAST)
                .register(HealthCheck.of("thrower", HealthGroup.READINESS, body)).start()) {
            HealthHttp.await(PATIENCE, "the check DOWN with its reason",
                    () -> registry.report().check("thrower").data().containsKey("error"));
            HealthReport.Entry entry = registry.report().check("thrower");
            assertEquals(HealthStatus.DOWN, entry.status());
            String error = String.valueOf(entry.data().get("error"));
            assertTrue(error.contains("cannot reach"), error);
            assertFalse(error.contains("hunter2"), error);
            int before = calls.get();
            HealthHttp.await(PATIENCE, "it is evaluated again in later rounds", () -> calls.get() >= before + 3);
            fail.set(false);
            HealthHttp.await(PATIENCE, "it recovers", () -> registry.report().check("thrower").status() == HealthStatus.UP);
        }
    }
}
