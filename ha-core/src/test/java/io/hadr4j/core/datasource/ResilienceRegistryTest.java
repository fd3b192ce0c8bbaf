package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * The per-endpoint circuit breakers and retries are named instances of a resilience4j registry the application may
 * pass in, so that resilience4j's own Micrometer and Actuator bindings (which follow a registry's entry events) see
 * them; without one, every router has registries of its own.
 */
class ResilienceRegistryTest {

    private static RouterConfig.Builder config(String name) {
        return RouterConfig.custom().name(name).localRegion("r1").dialect(Dialect.POSTGRESQL)
                .probeInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofMillis(200)).failoverTimeout(Duration.ZERO);
    }

    @Test
    void theBreakersAndRetriesAreNamedInstancesOfTheRegistriesGivenAndLeaveThemOnClose() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        RetryRegistry retries = RetryRegistry.ofDefaults();
        List<String> added = new CopyOnWriteArrayList<>();
        List<String> removed = new CopyOnWriteArrayList<>();
        breakers.getEventPublisher().onEntryAdded(e -> added.add(e.getAddedEntry().getName()))
                .onEntryRemoved(e -> removed.add(e.getRemovedEntry().getName()));

        RegionAwareDataSource ds = RegionAwareDataSource.create(config("orders").circuitBreakerRegistry(breakers).retryRegistry(retries).build(),
                Endpoint.of("east", "r1", new RouterWithoutDatabaseTest.Unreachable()),
                Endpoint.of("west", "r2", new RouterWithoutDatabaseTest.Unreachable()));
        try {
            assertSame(breakers, ds.circuitBreakerRegistry());
            assertSame(retries, ds.retryRegistry());
            assertEquals(List.of("orders-east", "orders-west"), added, "what a metrics binding of the registry is told");
            assertTrue(retries.find("orders-east").isPresent() && retries.find("orders-west").isPresent(), retries.getAllRetries().toString());

            // The instance in the registry is the one the router records its probes in: the failures open it.
            CircuitBreaker east = breakers.find("orders-east").orElseThrow();
            Await.await("the breaker of east open after failed probes", Duration.ofSeconds(10),
                    () -> east.getState() == CircuitBreaker.State.OPEN);
            assertTrue(east.getMetrics().getNumberOfFailedCalls() >= 2, east.getMetrics().toString());
            Await.await("the snapshot showing the breaker's state", Duration.ofSeconds(10),
                    () -> "OPEN".equals(ds.snapshot().endpoint("east").circuitState()));
            assertSame(east.getCircuitBreakerConfig(), ds.config().circuitBreakerConfig(), "the router's breaker config, not the registry's default");

            // A second router of the same name would share the breakers: refused, and the first one's are untouched.
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> RegionAwareDataSource.create(
                    config("orders").circuitBreakerRegistry(breakers).retryRegistry(retries).build(),
                    Endpoint.of("east", "r1", new RouterWithoutDatabaseTest.Unreachable())));
            assertTrue(twice.getMessage().contains("already holds a circuit breaker or retry named 'orders-east'")
                    && twice.getMessage().contains("RouterConfig.custom().name("), twice.getMessage());
            assertSame(east, breakers.find("orders-east").orElseThrow());
        } finally {
            ds.close();
        }
        assertEquals(List.of("orders-east", "orders-west"), removed, "close() takes the router's instances out again");
        assertTrue(breakers.getAllCircuitBreakers().isEmpty() && retries.getAllRetries().isEmpty());

        // So a router of that name can start again on the same registries (a restarted application context).
        try (RegionAwareDataSource again = RegionAwareDataSource.create(config("orders").circuitBreakerRegistry(breakers).retryRegistry(retries).build(),
                Endpoint.of("east", "r1", new RouterWithoutDatabaseTest.Unreachable()))) {
            assertTrue(breakers.find("orders-east").isPresent());
            assertFalse(breakers.find("orders-west").isPresent());
        }
    }

    @Test
    void withoutRegistriesEveryRouterHasItsOwn() {
        try (RegionAwareDataSource one = RegionAwareDataSource.create(config("hadr4j").build(), Endpoint.of("a", "r1", new RouterWithoutDatabaseTest.Unreachable()));
             RegionAwareDataSource two = RegionAwareDataSource.create(config("hadr4j").build(), Endpoint.of("a", "r1", new RouterWithoutDatabaseTest.Unreachable()))) {
            assertNotSame(one.circuitBreakerRegistry(), two.circuitBreakerRegistry(), "two routers of one name do not share breakers");
            assertNotSame(one.retryRegistry(), two.retryRegistry());
            assertTrue(one.circuitBreakerRegistry().find("hadr4j-a").isPresent());
            assertTrue(two.retryRegistry().find("hadr4j-a").isPresent());
            assertEquals(null, RouterConfig.ofDefaults().circuitBreakerRegistry());
            CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
            RetryRegistry retries = RetryRegistry.ofDefaults();
            RouterConfig copy = RouterConfig.from(config("x").circuitBreakerRegistry(breakers).retryRegistry(retries).build()).build();
            assertSame(breakers, copy.circuitBreakerRegistry(), "from() keeps the registries");
            assertSame(retries, copy.retryRegistry());
        }
    }
}
