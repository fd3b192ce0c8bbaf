package io.hadr4j.spring;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.TdsServer;
import io.hadr4j.spring.testapp.TestApplication;

/**
 * The hadr4j contributor in the readiness group (no probes configured: the starter adds the group), following the
 * router; and on shutdown, readiness DOWN first, the application serving on for the drain delay, then Spring's
 * graceful shutdown, and the RegionAwareDataSource closed after the last request. The database is the scripted TDS
 * server speaking to the real mssql-jdbc driver (what hadr4j sees of it is all this test needs).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadinessAndDrainTest {

    private static final Duration DRAIN = Duration.ofMillis(1500);
    private static TdsServer sql;
    private static ConfigurableApplicationContext app;
    private static int port;
    private static final AtomicLong refusingAt = new AtomicLong();

    @BeforeAll
    static void start() throws IOException {
        sql = new TdsServer();
        String at = "hadr4j.datasource.endpoints[0].";
        app = new SpringApplicationBuilder(TestApplication.class)
                .listeners((ApplicationListener<AvailabilityChangeEvent<?>>) e -> {
                    if (e.getState() == ReadinessState.REFUSING_TRAFFIC) refusingAt.compareAndSet(0, System.nanoTime());
                })
                .properties("server.port=0", "spring.main.banner-mode=off",
                        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
                                + "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration,"
                                + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration",
                        "hadr4j.datasource.local-region=region-a", "hadr4j.datasource.probe-interval=200ms",
                        "hadr4j.datasource.probe-timeout=1s", "hadr4j.datasource.failover-timeout=2s",
                        at + "name=a", at + "region=region-a", at + "url=" + sql.url(), at + "username=app", at + "password=pw",
                        "hadr4j.health.drain-delay=" + DRAIN.toMillis() + "ms",
                        "management.endpoint.health.show-details=always")
                .run();
        port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) app.close();
        if (sql != null) sql.close();
    }

    @Test
    @Order(1)
    void readinessFollowsTheRouter() throws Exception {
        Http.Response ready = Http.get(port, "/actuator/health/readiness");
        assertEquals(200, ready.status(), ready.body());
        JsonNode components = ready.json().get("components");
        List<String> members = new ArrayList<>();
        components.fieldNames().forEachRemaining(members::add);
        assertEquals(List.of("hadr4j", "readinessState"), members, ready.body());
        assertEquals("UP", components.at("/hadr4j/status").asText());

        sql.setReadOnly(true); // no endpoint takes writes: the instance is not ready (REQUIRE_WRITABLE)
        await("readiness DOWN", Duration.ofSeconds(10), () -> status("/actuator/health/readiness") == 503);
        JsonNode down = Http.get(port, "/actuator/health/readiness").json();
        assertEquals("READ_ONLY", down.at("/components/hadr4j/details/endpoint.a.role").asText(), down.toString());
        assertEquals("UP", down.at("/components/readinessState/status").asText());
        assertEquals(200, status("/hello"), "the application itself still serves");

        sql.setReadOnly(false);
        await("readiness UP again", Duration.ofSeconds(10), () -> status("/actuator/health/readiness") == 200);
    }

    @Test
    @Order(2)
    void onShutdownReadinessGoesDownFirstAndTheApplicationServesOnForTheDrainDelay() throws Exception {
        RegionAwareDataSource ds = app.getBean(RegionAwareDataSource.class);
        assertEquals(200, status("/actuator/health/readiness"));
        long closeAt = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        long readinessDownAt = 0;
        long lastHelloAfterDown = 0;
        boolean routerOpenAtLastHello = false;
        long refusedAt = 0;
        while (refusedAt == 0 && System.nanoTime() - closeAt < TimeUnit.SECONDS.toNanos(30)) {
            try {
                int readiness = status("/actuator/health/readiness");
                long now = System.nanoTime();
                if (readiness == 503 && readinessDownAt == 0) readinessDownAt = now;
                boolean open = !ds.isClosed();
                if (status("/hello") == 200 && readinessDownAt != 0) {
                    lastHelloAfterDown = System.nanoTime();
                    routerOpenAtLastHello = open;
                }
            } catch (UncheckedIOException e) { // the server no longer accepts: the graceful shutdown has begun
                refusedAt = System.nanoTime();
            }
            Thread.sleep(20);
        }
        closing.get(30, TimeUnit.SECONDS);
        assertTrue(readinessDownAt != 0, "readiness answered 503 before the server stopped accepting");
        assertTrue(lastHelloAfterDown > readinessDownAt, "the application served requests after readiness went DOWN");
        assertTrue(routerOpenAtLastHello, "the RegionAwareDataSource was still open while requests were served");
        assertTrue(refusedAt != 0, "the server stopped accepting");
        assertTrue(refusingAt.get() != 0 && refusingAt.get() < refusedAt, "readiness REFUSING_TRAFFIC was published first");
        long servedForMs = TimeUnit.NANOSECONDS.toMillis(refusedAt - refusingAt.get());
        assertTrue(servedForMs >= DRAIN.toMillis(), "the server accepted requests for the drain delay after readiness went DOWN: " + servedForMs + " ms");
        assertTrue(ds.isClosed(), "closed with the context, after the web server");
        assertFalse(app.isActive());
    }

    private static int status(String path) {
        try {
            return Http.get(port, path).status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
