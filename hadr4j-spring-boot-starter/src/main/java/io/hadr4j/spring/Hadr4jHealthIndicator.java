package io.hadr4j.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.health.HealthCheck;
import io.hadr4j.core.health.HealthChecks;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.core.health.HealthStatus;
import io.hadr4j.core.health.ReadinessPolicy;

/**
 * The Actuator view of one router: ha-core's {@link HealthChecks#regionAwareDataSource} check, which reads the
 * router's snapshot and runs no query (so a health request never waits on a database), with its data as details:
 * writable/readable, the write endpoint or why there is none, and per endpoint its region, role, lag, epoch, fencing
 * and last probe error (no URL, user or password). OUT_OF_SERVICE while the application drains.
 */
final class Hadr4jHealthIndicator implements HealthIndicator {

    private final HealthCheck check;
    private final Hadr4jDrain drain;

    Hadr4jHealthIndicator(RegionAwareDataSource dataSource, ReadinessPolicy policy, Hadr4jDrain drain) {
        this.check = HealthChecks.regionAwareDataSource(dataSource, policy);
        this.drain = drain;
    }

    @Override
    public Health health() {
        return of(check, drain != null && drain.draining());
    }

    /** An ha-core check as Actuator health: its status and data ({@code outOfService}: OUT_OF_SERVICE, draining). */
    static Health of(HealthCheck check, boolean outOfService) {
        HealthResult result;
        try {
            result = check.check();
        } catch (Exception e) {
            return Health.down().withDetail("error", Secrets.safeMessage(e)).build();
        }
        Health.Builder health = outOfService ? Health.outOfService().withDetail("draining", true)
                : result.status() == HealthStatus.UP ? Health.up() : Health.down();
        result.data().forEach((k, v) -> {
            if (v != null) health.withDetail(k, v);
        });
        return health.build();
    }
}
