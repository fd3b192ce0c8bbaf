package io.hadr4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.datasource.TdsServer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How the starter fits an application: it backs off for the application's own RegionAwareDataSource (and still
 * gives it health and metrics), turns off with {@code hadr4j.datasource.enabled=false}, uses the application's
 * resilience4j registries, serves the read view to a qualified injection point only, joins a readiness group the
 * application configured, and leaves Boot's {@code db} check on the application's other DataSources.
 */
class WiringTest {

    private static TdsServer sql;
    private static TdsServer legacySql;

    @BeforeAll
    static void start() throws IOException {
        sql = new TdsServer();
        legacySql = new TdsServer();
    }

    @AfterAll
    static void stop() throws IOException {
        sql.close();
        legacySql.close();
    }

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }

    private static ConfigurableApplicationContext run(Class<?> config, String... properties) {
        return new SpringApplicationBuilder(PlainApp.class, config).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off").properties(properties).run();
    }

    private static String[] oneEndpoint(String... more) {
        String at = "hadr4j.datasource.endpoints[0].";
        List<String> p = new java.util.ArrayList<>(List.of("hadr4j.datasource.local-region=r1", "hadr4j.datasource.probe-timeout=1s",
                "hadr4j.datasource.failover-timeout=2s", at + "name=a", at + "region=r1", at + "url=" + sql.url(), at + "username=app", at + "password=pw"));
        p.addAll(List.of(more));
        return p.toArray(String[]::new);
    }

    private static HikariDataSource pool(TdsServer server, String name) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(name);
        h.setJdbcUrl(server.url());
        h.setUsername("app");
        h.setPassword("pw");
        h.setInitializationFailTimeout(-1);
        return new HikariDataSource(h);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRouter {
        @Bean(destroyMethod = "close")
        RegionAwareDataSource mine() {
            return RegionAwareDataSource.create(RouterConfig.custom().name("mine").localRegion("r1").probeTimeout(Duration.ofSeconds(1))
                    .failoverTimeout(Duration.ofSeconds(2)).closeDataSourcesOnClose(true).build(), Endpoint.of("x", "r1", pool(sql, "mine-x")));
        }
    }

    @Test
    void anApplicationsOwnRouterMakesTheStarterBackOffAndStillGetsHealthAndMetrics() {
        // No hadr4j.datasource.* at all: nothing to complain about. Boot's probes on (as on Kubernetes): they keep the readiness group.
        try (ConfigurableApplicationContext app = run(OwnRouter.class, "management.endpoint.health.probes.enabled=true",
                "management.endpoint.health.show-components=always")) {
            assertFalse(app.containsBean("hadr4jDataSource"));
            assertFalse(app.containsBean("hadr4jReadOnlyDataSource"));
            RegionAwareDataSource mine = app.getBean(RegionAwareDataSource.class);
            assertEquals("mine", mine.config().name());
            assertSame(mine, app.getBean(DataSource.class));
            HealthEndpoint endpoint = app.getBean(HealthEndpoint.class);
            HealthComponent health = endpoint.healthForPath("hadr4j");
            assertEquals(Status.UP, health.getStatus(), String.valueOf(health));
            assertEquals(Set.of("hadr4j", "readinessState"), ((CompositeHealth) endpoint.healthForPath("readiness")).getComponents().keySet());
            assertEquals(Set.of("livenessState"), ((CompositeHealth) endpoint.healthForPath("liveness")).getComponents().keySet(),
                    "liveness never depends on the database");
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            assertNotNull(meters.find(Hadr4jMetrics.WRITABLE).tag("router", "mine").gauge());
            assertNotNull(meters.find("resilience4j.circuitbreaker.state").tag("name", "mine-x").gauge());
        }
    }

    @Test
    void turnedOffItBuildsNothingAndSpringBootsOwnDataSourceIsBack() {
        try (ConfigurableApplicationContext app = run(Nothing.class, "hadr4j.datasource.enabled=false",
                "spring.datasource.url=" + sql.url(), "spring.datasource.username=app", "spring.datasource.password=pw")) {
            assertTrue(app.getBeansOfType(RegionAwareDataSource.class).isEmpty());
            assertTrue(app.getBean(DataSource.class) instanceof HikariDataSource, "spring.datasource.* applies again");
            assertFalse(app.containsBean("hadr4jHealthContributor"));
            assertFalse(app.containsBean("hadr4jMetrics"));
        }
    }

    /** The application's registries, another DataSource of its own, and a component that wants the read view. */
    @Configuration(proxyBeanMethods = false)
    static class Application {
        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            return CircuitBreakerRegistry.ofDefaults();
        }

        @Bean
        RetryRegistry retryRegistry() {
            return RetryRegistry.ofDefaults();
        }

        @Bean(destroyMethod = "close")
        DataSource legacy() {
            return pool(legacySql, "legacy");
        }

        @Bean
        Reads reads(@Qualifier(Hadr4jDataSourceAutoConfiguration.READ_ONLY) DataSource readView, DataSource unqualified) {
            return new Reads(readView, unqualified);
        }
    }

    record Reads(DataSource readView, DataSource unqualified) {
    }

    @Test
    void itUsesTheApplicationsRegistriesServesTheReadViewWhenAskedForAndJoinsItsReadinessGroup() throws Exception {
        String b = "hadr4j.datasource.endpoints[1].";
        try (ConfigurableApplicationContext app = run(Application.class, oneEndpoint(
                "hadr4j.datasource.endpoints[0].hikari.maximum-pool-size=3", "hadr4j.datasource.endpoints[0].hikari.data-source-properties.socketTimeout=7",
                b + "name=b", b + "region=r2", b + "url=jdbc:sqlserver://127.0.0.1:1;encrypt=false;loginTimeout=1", b + "username=app", b + "password=pw",
                "management.endpoint.health.group.readiness.include=db", "management.endpoint.health.group.readiness.show-components=always"))) {
            RegionAwareDataSource ds = app.getBean(RegionAwareDataSource.class);
            HikariDataSource a = (HikariDataSource) ds.endpoints().get(0).dataSource();
            assertEquals("hadr4j-a", a.getPoolName());
            assertEquals(3, a.getMaximumPoolSize(), "hikari.* reaches the pool");
            assertEquals("7", a.getDataSourceProperties().getProperty("socketTimeout"), "and the driver's properties, their case kept");
            assertEquals(-1, a.getInitializationFailTimeout());
            assertEquals(io.hadr4j.core.datasource.Role.DOWN, ds.snapshot().endpoint("b").role(),
                    "an endpoint that is down at startup does not stop the application");
            CircuitBreakerRegistry breakers = app.getBean(CircuitBreakerRegistry.class);
            assertSame(breakers, ds.circuitBreakerRegistry(), "resilience4j's Actuator endpoints and metrics of this registry show the breakers");
            assertTrue(breakers.find("hadr4j-a").isPresent());
            assertSame(app.getBean(RetryRegistry.class), ds.retryRegistry());
            assertTrue(ds.retryRegistry().find("hadr4j-a").isPresent());

            Reads reads = app.getBean(Reads.class);
            assertSame(ds, reads.unqualified(), "an unqualified DataSource is the router, though there are three DataSource beans");
            assertSame(ds.readOnly(), reads.readView());

            HealthEndpoint health = app.getBean(HealthEndpoint.class);
            CompositeHealth readiness = (CompositeHealth) health.healthForPath("readiness");
            assertEquals(Set.of("db", "hadr4j"), readiness.getComponents().keySet(), "the application's group, with hadr4j added");
            CompositeHealth db = (CompositeHealth) health.healthForPath("db");
            assertEquals(Set.of("legacy"), db.getComponents().keySet(), "Boot's db check keeps the application's own DataSource only");
            assertEquals(Status.UP, db.getStatus());
        }
    }
}
