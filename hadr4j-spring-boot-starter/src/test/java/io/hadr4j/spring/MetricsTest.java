package io.hadr4j.spring;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.datasource.RouterSnapshot;
import io.hadr4j.core.datasource.TdsServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * Every meter family, in a Spring application with Actuator's metrics, over two scripted TDS servers and the real
 * mssql-jdbc driver, so that each event comes when the test makes it: a read-only error (SQL Server 3906) and a
 * reset connection on handed-out connections, a failover to the other server when the primary turns read-only, and
 * a split brain the router cannot decide (both servers writable, no epochs), which fences both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsTest {

    private static TdsServer a;
    private static TdsServer b;
    private static ConfigurableApplicationContext app;
    private static MeterRegistry meters;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws IOException {
        a = new TdsServer();
        a.setServerName("server-a/hadr");
        b = new TdsServer();
        b.setServerName("server-b/hadr");
        b.setReadOnly(true);
        app = new SpringApplicationBuilder(PlainApp.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "hadr4j.datasource.name=metrics", "hadr4j.datasource.local-region=r1",
                        "hadr4j.datasource.probe-interval=200ms", "hadr4j.datasource.probe-timeout=1s", "hadr4j.datasource.failover-timeout=5s",
                        "hadr4j.datasource.endpoints[0].name=a", "hadr4j.datasource.endpoints[0].region=r1",
                        "hadr4j.datasource.endpoints[0].url=" + a.url(), "hadr4j.datasource.endpoints[0].username=app",
                        "hadr4j.datasource.endpoints[0].password=pw",
                        "hadr4j.datasource.endpoints[1].name=b", "hadr4j.datasource.endpoints[1].region=r2",
                        "hadr4j.datasource.endpoints[1].url=" + b.url(), "hadr4j.datasource.endpoints[1].username=app",
                        "hadr4j.datasource.endpoints[1].password=pw")
                .run();
        meters = app.getBean(MeterRegistry.class);
        jdbc = app.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) app.close();
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private static double gauge(String name, String... tags) {
        Gauge g = Search.in(meters).name(name).tags(tags).gauge();
        assertNotNull(g, name + " " + List.of(tags) + " among " + meters.getMeters().stream().map(m -> m.getId().toString()).toList());
        return g.value();
    }

    private static double count(String name, String... tags) {
        return Search.in(meters).name(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    @Order(1)
    void theGaugesShowWhatTheRouterSees() {
        await("writes on a", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.WRITABLE, "router", "metrics") == 1.0);
        assertEquals(1.0, gauge(Hadr4jMetrics.ROLE, "endpoint", "a", "role", "PRIMARY"));
        assertEquals(0.0, gauge(Hadr4jMetrics.ROLE, "endpoint", "a", "role", "READ_ONLY"));
        assertEquals(1.0, gauge(Hadr4jMetrics.ROLE, "endpoint", "b", "role", "READ_ONLY", "region", "r2"));
        assertEquals(0.0, gauge(Hadr4jMetrics.FENCED, "endpoint", "a"));
        assertTrue(Double.isNaN(gauge(Hadr4jMetrics.LAG, "endpoint", "b")), "SQL Server outside Azure reports no lag: unknown is NaN, not 0");
        // resilience4j's own meters for the router's breakers and retries, named <router>-<endpoint>.
        assertEquals(1.0, gauge("resilience4j.circuitbreaker.state", "name", "metrics-a", "state", "closed"));
        assertNotNull(Search.in(meters).name("resilience4j.retry.calls").tag("name", "metrics-b").meter());
        // HikariCP's own pool meters, per endpoint pool.
        assertNotNull(Search.in(meters).name("hikaricp.connections").tag("pool", "metrics-a").gauge());
    }

    @Test
    @Order(2)
    void connectionErrorsAreCountedByKind() {
        assertThrows(DataAccessException.class, () -> jdbc.execute("UPDATE t SET x = 1 -- RAISE 3906"));
        await("a read-only error counted", Duration.ofSeconds(10), () -> count(Hadr4jMetrics.CONNECTION_ERRORS, "kind", "read-only", "endpoint", "a") == 1.0);
        await("writes on a again", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.WRITABLE) == 1.0);
        assertThrows(DataAccessException.class, () -> jdbc.execute("SELECT 'RESET'"));
        await("a lost connection counted", Duration.ofSeconds(10), () -> count(Hadr4jMetrics.CONNECTION_ERRORS, "kind", "connection-lost") == 1.0);
        assertEquals(0.0, count(Hadr4jMetrics.FAILOVERS), "a writer that comes back is no failover");
    }

    @Test
    @Order(3)
    void aFailoverIsCountedAndTimedByItsCause() {
        await("writes on a", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.WRITABLE) == 1.0);
        a.setReadOnly(true); // first a read-only, then b writable: never two writable servers at once
        await("no primary", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.WRITABLE) == 0.0);
        b.setReadOnly(false);
        await("a failover counted", Duration.ofSeconds(10), () -> count(Hadr4jMetrics.FAILOVERS) == 1.0);
        assertEquals(1.0, count(Hadr4jMetrics.FAILOVERS, "cause", "primary-read-only", "from", "a", "to", "b", "router", "metrics"));
        var timer = Search.in(meters).name(Hadr4jMetrics.FAILOVER_DURATION).tag("cause", "primary-read-only").timer();
        assertNotNull(timer);
        assertEquals(1, timer.count());
        RouterSnapshot s = app.getBean(io.hadr4j.core.datasource.RegionAwareDataSource.class).snapshot();
        assertEquals(s.lastFailoverDuration().toNanos(), (long) timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS),
                "the duration the router measured");
        // The gauges follow the router's events, delivered on its own event thread: b's role arrives on that thread too.
        await("b's role gauge says PRIMARY", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.ROLE, "endpoint", "b", "role", "PRIMARY") == 1.0);
    }

    @Test
    @Order(4)
    void anUndecidableSplitBrainFencesBoth() {
        a.setReadOnly(false); // both writable, and SQL Server has no epoch to tell the newer
        await("both fenced", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.FENCED, "endpoint", "a") == 1.0 && gauge(Hadr4jMetrics.FENCED, "endpoint", "b") == 1.0);
        assertEquals(0.0, gauge(Hadr4jMetrics.WRITABLE));
        assertTrue(count(Hadr4jMetrics.FENCINGS, "endpoint", "a") >= 1 && count(Hadr4jMetrics.FENCINGS, "endpoint", "b") >= 1);
        a.setReadOnly(true);
        await("b alone again", Duration.ofSeconds(10), () -> gauge(Hadr4jMetrics.WRITABLE) == 1.0 && gauge(Hadr4jMetrics.FENCED, "endpoint", "b") == 0.0);
        assertEquals(1.0, count(Hadr4jMetrics.FAILOVERS), "b took writes again: still one failover");
    }

    @Test
    void theCauseIsWhatTheOldPrimaryWas() {
        assertEquals("primary-down", Hadr4jMetrics.cause(snapshot(Role.DOWN, false), "old"));
        assertEquals("primary-read-only", Hadr4jMetrics.cause(snapshot(Role.READ_ONLY, true), "old"));
        assertEquals("primary-demoted", Hadr4jMetrics.cause(snapshot(Role.SECONDARY, false), "old"));
        assertEquals("primary-fenced", Hadr4jMetrics.cause(snapshot(Role.PRIMARY, true), "old"));
        assertEquals("other", Hadr4jMetrics.cause(snapshot(Role.PRIMARY, false), "old"));
        assertEquals("other", Hadr4jMetrics.cause(snapshot(Role.DOWN, false), "gone"));
        assertEquals("read-only", Hadr4jMetrics.kind("a write connection to a raised a read-only error: ..."));
        assertEquals("connection-lost", Hadr4jMetrics.kind("a read connection to b raised a connection-lost error: ..."));
        assertEquals("other", Hadr4jMetrics.kind(null));
    }

    private static RouterSnapshot snapshot(Role oldRole, boolean fenced) {
        RouterSnapshot.EndpointView old = new RouterSnapshot.EndpointView("old", "r1", 0, oldRole, 1L, null, null, fenced, "CLOSED",
                Instant.now(), Duration.ZERO, null);
        RouterSnapshot.EndpointView next = new RouterSnapshot.EndpointView("new", "r2", 0, Role.PRIMARY, 2L, null, null, false, "CLOSED",
                Instant.now(), Duration.ZERO, null);
        return new RouterSnapshot(List.of(old, next), "new", null, List.of(), "old", "new", Instant.now(), Duration.ofMillis(5), 3, Instant.now());
    }
}
