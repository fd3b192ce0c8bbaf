package io.hadr4j.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The JDBC check and the servlet against the testkit's real PostgreSQL primary and streaming standby, through
 * its fault proxies. One topology for the class; the failover test runs last because it leaves node A dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcHealthCheckPostgresTest {

    private static final Duration INTERVAL = Duration.ofMillis(1000);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final HealthRegistryConfig CONFIG =
            HealthRegistryConfig.custom().interval(INTERVAL).timeout(TIMEOUT).drainDelay(Duration.ZERO).build();
    /** Generous bound for "within interval + timeout": polls, never a wall-clock assertion on a tight number. */
    private static final Duration WITHIN = INTERVAL.plus(TIMEOUT).multipliedBy(4);

    private static TwoRegionPostgres db;

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().build().start();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    private static JdbcHealthCheck.Builder check(DataSource dataSource) {
        return JdbcHealthCheck.custom().dataSource(dataSource).timeout(TIMEOUT)
                .writableQuery(JdbcHealthCheck.POSTGRESQL_WRITABLE_QUERY);
    }

    /**
     * A DataSource that follows the primary the way a failover-group listener or the region-aware DataSource
     * does: pgjdbc's multi-host URL over both nodes' proxies, asking for {@code targetServerType}.
     */
    private static DataSource bothNodes(String targetServerType) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1", "127.0.0.1"});
        ds.setPortNumbers(new int[] {db.nodeA().proxy().port(), db.nodeB().proxy().port()});
        ds.setDatabaseName(db.nodeA().database());
        ds.setUser(db.nodeA().user());
        ds.setPassword(db.nodeA().password());
        ds.setConnectTimeout(5);
        ds.setTargetServerType(targetServerType);
        ds.setHostRecheckSeconds(1);
        return ds;
    }

    @Test
    @Order(1)
    void primaryIsWritableAndStandbyReadOnlyAndThePolicyDecides() {
        HealthResult primary = check(db.primary().dataSource()).build().check();
        assertEquals(HealthStatus.UP, primary.status(), primary::toString);
        assertEquals(true, primary.data().get("writable"));

        HealthResult strict = check(db.standby().dataSource()).build().check();
        assertEquals(HealthStatus.DOWN, strict.status(), "a standby is not writable: " + strict);
        assertEquals(true, strict.data().get("readable"));
        assertEquals(false, strict.data().get("writable"));

        HealthResult degraded = check(db.standby().dataSource()).readinessPolicy(ReadinessPolicy.ALLOW_READ_ONLY)
                .build().check();
        assertEquals(HealthStatus.UP, degraded.status(), degraded::toString);

        HealthResult isValid = JdbcHealthCheck.custom().dataSource(db.primary().dataSource()).build().check();
        assertEquals(HealthStatus.UP, isValid.status(), "Connection.isValid without a query: " + isValid);
        HealthResult select1 = JdbcHealthCheck.custom().dataSource(db.standby().dataSource())
                .validationQuery("SELECT 1").readinessPolicy(ReadinessPolicy.ALLOW_READ_ONLY).build().check();
        assertEquals(HealthStatus.UP, select1.status(), select1::toString);
    }

    @Test
    @Order(2)
    void theDatabaseGetsAtMostOneCheckQueryPerIntervalHoweverManyProbesArrive() throws Exception {
        String marker = "hadr4j_health_probe_count";
        String query = JdbcHealthCheck.POSTGRESQL_WRITABLE_QUERY.replace("hadr4j_health_writable", marker);
        PgNode primary = db.primary();
        primary.execute("SELECT pg_stat_statements_reset()");
        HealthRegistry registry = HealthRegistry.of(CONFIG);
        long startNanos = System.nanoTime();
        registry.register(check(primary.dataSource()).writableQuery(query).build()).start();
        try (registry; HealthHttp http = HealthHttp.start(c -> HealthHttp.mount(c, "/health", new HealthServlet(registry)))) {
            HealthHttp.await(WITHIN, "ready", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            // 500 probes from 8 clients, spread over about 3 intervals
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> probes = new ArrayList<>();
                for (int client = 0; client < 8; client++) {
                    int first = client;
                    probes.add(clients.submit(() -> {
                        int ok = 0;
                        for (int i = first; i < 500; i += 8) {
                            ok += http.get(i % 2 == 0 ? "/health/ready" : "/health").statusCode() == 200 ? 1 : 0;
                            Thread.sleep(INTERVAL.multipliedBy(3).toMillis() * 8 / 500);
                        }
                        return ok;
                    }));
                }
                int ok = 0;
                for (Future<Integer> probe : probes) {
                    ok += probe.get();
                }
                assertEquals(500, ok, "every probe answered 200");
            } finally {
                clients.shutdown();
            }
            registry.close();
            double elapsedIntervals = (System.nanoTime() - startNanos) / (double) INTERVAL.toNanos();
            Thread.sleep(200); // let a round that was already running finish and be counted
            long calls = primary.queryForLong("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                    + " WHERE query LIKE '%" + marker + "%' AND query NOT LIKE '%pg_stat_statements%'");
            System.out.printf("500 probes, %d check queries in %.1f intervals%n", calls, elapsedIntervals);
            assertTrue(calls >= 1, "the check ran");
            assertTrue(calls <= Math.floor(elapsedIntervals) + 1,
                    calls + " check queries in " + elapsedIntervals + " intervals for 500 probes");
        }
    }

    @Test
    @Order(3)
    void aStalledDatabaseTimesTheCheckOutWhileProbesStayFast() throws Exception {
        PgNode primary = db.primary();
        try (HealthRegistry registry = HealthRegistry.of(CONFIG)
                .register(HealthChecks.region(primary.region(), null, "test-host"))
                .register(check(primary.dataSource()).build()).start();
             HealthHttp http = HealthHttp.start(c -> HealthHttp.mount(c, "/health", new HealthServlet(registry)))) {
            HealthHttp.await(WITHIN, "ready", () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            primary.proxy().stall();
            try {
                HealthHttp.await(WITHIN, "database check timed out", () -> Boolean.TRUE.equals(
                        registry.report().check("database").data().get("timedOut")));
                // the check is hung in the driver now; every probe must still answer at once from the cache
                long end = System.nanoTime() + INTERVAL.multipliedBy(3).toNanos();
                int probes = 0;
                while (System.nanoTime() < end) {
                    for (String path : List.of("/health/ready", "/health/live", "/health")) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = http.get(path);
                        long millis = (System.nanoTime() - t0) / 1_000_000;
                        assertTrue(millis < 1000, path + " took " + millis + " ms while the database hangs");
                        assertEquals(path.endsWith("live") ? 200 : 503, response.statusCode(), path);
                        probes++;
                    }
                }
                assertTrue(probes > 10, "probed " + probes + " times");
                assertEquals(HealthStatus.DOWN, registry.report().check("database").status());
            } finally {
                primary.proxy().heal();
            }
            HealthHttp.await(WITHIN.multipliedBy(2), "ready again after heal",
                    () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
            assertEquals(200, http.get("/health/ready").statusCode());
        }
    }

    @Test
    @Order(4)
    void killingThePrimaryTurnsReadinessDownAndFailoverBringsItBack() throws Exception {
        try (HealthRegistry strict = HealthRegistry.of(CONFIG)
                .register(check(bothNodes("primary")).build()).start();
             HealthRegistry degraded = HealthRegistry.of(CONFIG)
                     .register(check(bothNodes("preferPrimary")).readinessPolicy(ReadinessPolicy.ALLOW_READ_ONLY).build())
                     .start();
             HealthHttp http = HealthHttp.start(c -> {
                 HealthHttp.mount(c, "/strict", new HealthServlet(strict));
                 HealthHttp.mount(c, "/degraded", new HealthServlet(degraded, HealthServlet.loopbackCallers()));
             })) {
            awaitStatus(http, "/strict/ready", 200);
            awaitStatus(http, "/degraded/ready", 200);

            PgNode oldPrimary = db.primary();
            oldPrimary.kill();
            awaitStatus(http, "/strict/ready", 503);
            assertEquals(200, http.get("/strict/live").statusCode(), "liveness never depends on the database");
            // read-only degraded mode: the standby still answers reads, so this instance stays in rotation
            HealthHttp.await(WITHIN, "degraded check sees a read-only database", () ->
                    Boolean.FALSE.equals(degraded.report().check("database").data().get("writable"))
                            && Boolean.TRUE.equals(degraded.report().check("database").data().get("readable")));
            assertEquals(200, http.get("/degraded/ready").statusCode());
            assertTrue(http.get("/degraded/ready").body().contains("\"writable\":false"));

            PgNode newPrimary = db.failover();
            awaitStatus(http, "/strict/ready", 200);
            HealthHttp.await(WITHIN, "degraded check writable again",
                    () -> Boolean.TRUE.equals(degraded.report().check("database").data().get("writable")));

            // pointed at one node instead, a check follows that node's fate
            assertEquals(HealthStatus.UP, check(newPrimary.dataSource()).build().check().status());
            assertEquals(HealthStatus.DOWN, check(oldPrimary.dataSource()).build().check().status());
        }
    }

    private static void awaitStatus(HealthHttp http, String path, int status) throws InterruptedException {
        HealthHttp.await(WITHIN, path + " answers " + status, () -> {
            try {
                return http.get(path).statusCode() == status;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
