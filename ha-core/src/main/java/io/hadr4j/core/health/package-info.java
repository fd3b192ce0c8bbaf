/**
 * Health checks and the health servlet that load balancers probe (Azure Front Door, the OCI load balancer,
 * App Service, Kubernetes).
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.of(HealthRegistryConfig.custom()
 *         .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2)).build())
 *     .register(HealthChecks.regionFromEnvironment())
 *     .register(JdbcHealthCheck.custom().dataSource(dataSource)
 *         .writableQuery(JdbcHealthCheck.POSTGRESQL_WRITABLE_QUERY).build())
 *     // or, over a RegionAwareDataSource: its router's view, no query of its own
 *     // .register(HealthChecks.regionAwareDataSource(regionAwareDataSource, ReadinessPolicy.REQUIRE_WRITABLE))
 *     .start();
 * context.addServlet(new ServletHolder(new HealthServlet(health, HealthServlet.loopbackCallers())), "/health/*");
 * health.installShutdownHook(server::stop);
 * }</pre>
 *
 * <p>Checks ({@link io.hadr4j.core.health.HealthCheck}) run in the background in a
 * {@link io.hadr4j.core.health.HealthRegistry}; the {@link io.hadr4j.core.health.HealthServlet} only copies
 * pre-rendered MicroProfile Health JSON, so a probe never waits on a database.
 */
package io.hadr4j.core.health;
