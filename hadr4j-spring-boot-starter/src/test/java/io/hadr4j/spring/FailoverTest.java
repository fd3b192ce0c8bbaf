package io.hadr4j.spring;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.datasource.RouterEvent;
import io.hadr4j.core.datasource.RouterSnapshot;
import io.hadr4j.spring.testapp.OrderRepository;
import io.hadr4j.spring.testapp.TestApplication;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * A Spring Boot application (Tomcat on a random port, JdbcTemplate, a Spring Data JPA repository on Hibernate, Flyway)
 * whose only DataSource comes from the starter, over the testkit's real primary and standby with synchronous
 * replication, under a steady write load: first the primary is killed (kill -9) and the standby promoted, then the
 * old primary comes back as a standby, the new primary is turned read-only in place and the standby promoted. After
 * each, every acknowledged write is on the new primary; while there is no primary, {@code /actuator/health} shows the
 * hadr4j component DOWN (answered at once, without waiting on the database), and UP after; {@code /actuator/metrics}
 * shows each failover counted by its cause, with its duration; Flyway migrates the new primary through the router.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {

    private static TwoRegionPostgres db;
    private static ConfigurableApplicationContext app;
    private static int port;
    private static RegionAwareDataSource ds;
    private static final List<RouterEvent> events = new CopyOnWriteArrayList<>();
    private static final AtomicLong ids = new AtomicLong(1);
    private static final Map<Long, Integer> acknowledgedRows = new ConcurrentHashMap<>(); // id -> server port
    private static final Set<Long> acknowledgedOrders = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().regions("region-a", "region-b").synchronousReplication(true).build().start();
        List<String> p = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "hadr4j.datasource.name=orders", "hadr4j.datasource.local-region=region-a",
                "hadr4j.datasource.probe-interval=200ms", "hadr4j.datasource.probe-timeout=1s",
                "hadr4j.datasource.failover-timeout=20s", "hadr4j.datasource.max-read-lag=1s",
                "spring.flyway.target=1", "spring.jpa.hibernate.ddl-auto=none", "spring.jpa.open-in-view=false",
                "management.endpoints.web.exposure.include=health,metrics", "management.endpoint.health.show-details=always"));
        endpoint(p, 0, db.nodeA());
        endpoint(p, 1, db.nodeB());
        app = new SpringApplicationBuilder(TestApplication.class).properties(p.toArray(String[]::new)).run();
        port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        ds = app.getBean(RegionAwareDataSource.class);
        ds.addListener(events::add);
    }

    private static void endpoint(List<String> p, int i, PgNode node) {
        String at = "hadr4j.datasource.endpoints[" + i + "].";
        p.addAll(List.of(at + "name=" + node.name(), at + "region=" + node.region(), at + "url=" + node.jdbcUrl(),
                at + "username=" + node.user(), at + "password=" + node.password(),
                at + "hikari.maximum-pool-size=4", at + "hikari.connection-timeout=1000",
                at + "hikari.data-source-properties.socketTimeout=5", at + "hikari.data-source-properties.connectTimeout=2"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (db != null) db.close();
    }

    @Test
    @Order(1)
    void theApplicationUsesTheRouterForJdbcJpaAndFlyway() throws Exception {
        assertTrue(app.getBean(DataSource.class) instanceof RegionAwareDataSource, "the application's DataSource");
        assertEquals("a", ds.snapshot().writeEndpoint());
        assertEquals("1", db.nodeA().queryForString("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM flyway_schema_history"),
                "Flyway ran V1 at startup through the router, on the primary");
        JsonNode health = Http.get(port, "/actuator/health").json();
        assertEquals("UP", health.at("/components/hadr4j/status").asText(), health.toString());
        assertEquals("a", health.at("/components/hadr4j/details/writeEndpoint").asText(), health.toString());
        assertTrue(health.at("/components/db").isMissingNode(), "Boot's db check leaves hadr4j's DataSources alone: " + health);
        assertFalse(health.toString().contains(db.nodeA().password()), "no password in the health output");
        // The read view: qualified, and a secondary of region-a would serve it; none is there, so the primary does.
        DataSource reads = readView();
        assertTrue(reads.isWrapperFor(RegionAwareDataSource.class) && reads != ds, "the read view, not the router itself");
        assertEquals(Boolean.FALSE, new JdbcTemplate(reads).queryForObject("SELECT pg_is_in_recovery()", Boolean.class));
    }

    @Test
    @Order(2)
    void aKilledPrimary() throws Exception {
        PgNode a = db.nodeA();
        PgNode b = db.nodeB();
        try (WriteLoad load = new WriteLoad()) {
            await("writes on a", Duration.ofSeconds(30), () -> load.rowsOn(a.port()) >= 30 && load.orders() >= 30);
            a.kill();
            await("the router without a primary", Duration.ofSeconds(20), () -> ds.snapshot().writeEndpoint() == null);
            Http.Response down = Http.get(port, "/actuator/health");
            assertEquals(503, down.status(), down.body());
            JsonNode h = down.json().at("/components/hadr4j");
            assertEquals("DOWN", h.at("/status").asText(), down.body());
            assertEquals("none", h.at("/details/writeEndpoint").asText(), down.body());
            assertEquals("DOWN", h.at("/details/endpoint.a.role").asText(), down.body());
            assertEquals(503, Http.get(port, "/actuator/health/readiness").status(), "hadr4j is in the readiness group");
            assertEquals(0, load.rowsOn(b.port()), "nothing is written before the promotion");

            db.failover();
            long before = load.rowsOn(b.port());
            await("writes on b", Duration.ofSeconds(30), () -> load.rowsOn(b.port()) >= before + 30 && load.orders() >= 60);
            awaitHealthUpWith("b");
        }
        migrate("2");
        assertEquals("1,2", b.queryForString("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM flyway_schema_history WHERE success"));
        assertAllAcknowledgedOn(b);

        RouterSnapshot s = ds.snapshot();
        assertEquals("a", s.lastFailoverFrom());
        assertEquals("b", s.lastFailoverTo());
        assertEquals(1.0, measurement("hadr4j.failovers?tag=cause:primary-down", "COUNT"));
        assertEquals(1.0, measurement("hadr4j.failovers?tag=from:a&tag=to:b", "COUNT"));
        assertEquals(1.0, measurement("hadr4j.failover.duration?tag=cause:primary-down", "COUNT"));
        double seconds = measurement("hadr4j.failover.duration?tag=cause:primary-down", "TOTAL_TIME");
        assertEquals(s.lastFailoverDuration().toNanos() / 1e9, seconds, 1e-3, "the duration the router measured");
        assertTrue(seconds > 0, "a killed primary takes time to replace: " + seconds);
        assertEquals(0.0, measurement("hadr4j.endpoint.role?tag=endpoint:a&tag=role:PRIMARY", "VALUE"));
        assertEquals(1.0, measurement("hadr4j.endpoint.role?tag=endpoint:b&tag=role:PRIMARY", "VALUE"));
        assertEquals(1.0, measurement("hadr4j.writable", "VALUE"));
    }

    @Test
    @Order(3)
    void aPrimaryTurnedReadOnlyInPlace() throws Exception {
        PgNode a = db.nodeA();
        PgNode b = db.nodeB();
        db.reattachAsStandby(a);
        await("a back, as a secondary", Duration.ofSeconds(60), () -> ds.snapshot().endpoint("a").role() == Role.SECONDARY);
        try (WriteLoad load = new WriteLoad()) {
            long onB = load.rowsOn(b.port());
            await("writes on b", Duration.ofSeconds(30), () -> load.rowsOn(b.port()) >= onB + 30);
            db.demoteInPlace(b);
            // A write's read-only error withdraws the route at once; the probe round that sees b read-only comes after it.
            await("the router without a primary, b seen read-only", Duration.ofSeconds(20),
                    () -> ds.snapshot().writeEndpoint() == null && ds.snapshot().endpoint("b").role() == Role.READ_ONLY);
            Http.Response down = Http.get(port, "/actuator/health");
            assertEquals(503, down.status(), down.body());
            assertEquals("DOWN", down.json().at("/components/hadr4j/status").asText(), down.body());
            assertEquals("READ_ONLY", down.json().at("/components/hadr4j/details/endpoint.b.role").asText(), down.body());

            db.failover();
            long onA = load.rowsOn(a.port());
            await("writes on a", Duration.ofSeconds(30), () -> load.rowsOn(a.port()) >= onA + 30);
            JsonNode up = awaitHealthUpWith("a");
            assertTrue(up.at("/components/hadr4j/details/endpoint.b.fenced").asBoolean(), "b, demoted on the old timeline, is fenced: " + up);
        }
        migrate("3");
        assertEquals("1,2,3", a.queryForString("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM flyway_schema_history WHERE success"));
        assertAllAcknowledgedOn(a);

        assertTrue(ds.awaitEvents(Duration.ofSeconds(30)), "the metrics listener has seen every event (listeners run on the router's event thread)");
        assertEquals(1.0, measurement("hadr4j.failovers?tag=cause:primary-read-only", "COUNT"));
        assertEquals(2.0, measurement("hadr4j.failovers", "COUNT"), "both failovers");
        assertEquals(2.0, measurement("hadr4j.failover.duration", "COUNT"));
        assertEquals(1.0, measurement("hadr4j.endpoint.fenced?tag=endpoint:b", "VALUE"));
        // Every connection error the router reported is counted by its kind.
        for (String kind : List.of("connection-lost", "read-only")) {
            long reported = events.stream().filter(e -> e.type() == RouterEvent.Type.CONNECTION_ERROR && Hadr4jMetrics.kind(e.cause()).equals(kind)).count();
            double counted = reported == 0 ? 0 : measurement("hadr4j.connection.errors?tag=kind:" + kind, "COUNT");
            assertEquals(reported, (long) counted, kind + " errors");
        }
        // The breakers, through resilience4j's own Micrometer module, named <router>-<endpoint>.
        assertEquals(1.0, measurement("resilience4j.circuitbreaker.state?tag=name:orders-a&tag=state:closed", "VALUE"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static JsonNode awaitHealthUpWith(String writer) {
        JsonNode[] last = new JsonNode[1];
        await("/actuator/health UP with writes on " + writer, Duration.ofSeconds(20), () -> {
            try {
                Http.Response r = Http.get(port, "/actuator/health");
                last[0] = r.json();
                return r.status() == 200 && "UP".equals(last[0].at("/components/hadr4j/status").asText())
                        && writer.equals(last[0].at("/components/hadr4j/details/writeEndpoint").asText());
            } catch (IOException e) {
                return false;
            }
        });
        return last[0];
    }

    private static double measurement(String metric, String statistic) throws IOException {
        Http.Response r = Http.get(port, "/actuator/metrics/" + metric);
        assertEquals(200, r.status(), metric + ": " + r.body());
        for (JsonNode m : r.json().get("measurements")) {
            if (statistic.equals(m.get("statistic").asText())) return m.get("value").asDouble();
        }
        throw new AssertionError(metric + " has no " + statistic + ": " + r.body());
    }

    /** Flyway, configured as the application's, migrating up to {@code target} through the router. */
    private static void migrate(String target) {
        Flyway configured = app.getBean(Flyway.class);
        Flyway.configure().configuration(configured.getConfiguration()).target(target).load().migrate();
    }

    /** Synchronous replication: every write the application saw committed is on the new primary. */
    private static void assertAllAcknowledgedOn(PgNode node) throws SQLException {
        List<Long> rows = new ArrayList<>(acknowledgedRows.keySet());
        List<Long> orders = new ArrayList<>(acknowledgedOrders);
        assertEquals(rows.size(), present(node, "writes", rows), "JdbcTemplate writes acknowledged but missing on " + node.name());
        assertEquals(orders.size(), present(node, "orders", orders), "JPA writes acknowledged but missing on " + node.name());
        System.out.println("acknowledged and present on " + node.name() + ": " + rows.size() + " JdbcTemplate rows, " + orders.size() + " JPA rows");
    }

    private static long present(PgNode node, String table, List<Long> idList) throws SQLException {
        try (Connection c = node.directDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", idList.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * One thread writing through the application's own beans, one write at a time: even ids through JdbcTemplate
     * (remembering the server that committed it), odd ids through the JPA repository, and every tenth a read through
     * the read view. A write counts as acknowledged when the call returned.
     */
    private static final class WriteLoad implements AutoCloseable {
        private final JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
        private final JdbcTemplate reads = new JdbcTemplate(readView());
        private final OrderRepository repository = app.getBean(OrderRepository.class);
        private final Thread thread = new Thread(this::run, "write-load");
        private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;

        WriteLoad() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (running) {
                long id = ids.getAndIncrement();
                try {
                    if (id % 2 == 0) {
                        Integer server = jdbc.queryForObject("INSERT INTO writes(id, port) VALUES (?, inet_server_port()) RETURNING port", Integer.class, id);
                        acknowledgedRows.put(id, server);
                    } else {
                        repository.save(new io.hadr4j.spring.testapp.Order(id, "order " + id));
                        acknowledgedOrders.add(id);
                    }
                    if (id % 10 == 0) reads.queryForObject("SELECT count(*) FROM writes", Long.class);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
                io.hadr4j.core.datasource.Await.sleep(5);
            }
        }

        long rowsOn(int serverPort) {
            return acknowledgedRows.values().stream().filter(p -> p == serverPort).count();
        }

        long orders() {
            return acknowledgedOrders.size();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(60_000);
            if (thread.isAlive()) throw new AssertionError("the write load is blocked: " + List.of(thread.getStackTrace()));
            System.out.println("write load: " + failures.size() + " failed attempts during the failover");
        }
    }

    /** The read view, found by its qualifier as {@code @Qualifier("hadr4jReadOnly") DataSource} finds it. */
    private static DataSource readView() {
        return BeanFactoryAnnotationUtils.qualifiedBeanOfType(app.getBeanFactory(), DataSource.class, Hadr4jDataSourceAutoConfiguration.READ_ONLY);
    }
}
