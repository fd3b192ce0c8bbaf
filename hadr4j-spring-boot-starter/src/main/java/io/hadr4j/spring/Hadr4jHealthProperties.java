package io.hadr4j.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.hadr4j.core.health.ReadinessPolicy;

/** {@code hadr4j.health.*}: the Actuator health contributor {@code hadr4j} and the drain on shutdown. */
@ConfigurationProperties(prefix = Hadr4jHealthProperties.PREFIX, ignoreUnknownFields = false)
public class Hadr4jHealthProperties {

    public static final String PREFIX = "hadr4j.health";

    /**
     * When the hadr4j contributor is UP: require-writable (writes have a route: the usual choice) or allow-read-only
     * (also while only reads have one, a read-only degraded mode).
     */
    private ReadinessPolicy readinessPolicy = ReadinessPolicy.REQUIRE_WRITABLE;

    /** Whether the hadr4j contributor is a member of the readiness group (/actuator/health/readiness). */
    private boolean readinessGroup = true;

    /**
     * On shutdown, readiness goes DOWN at once and the application keeps serving this long before the web server's
     * graceful shutdown begins, so that load balancers stop sending traffic first. Make it longer than the load
     * balancer's probe interval times its unhealthy threshold, and shorter than spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration drainDelay = Duration.ZERO;

    public ReadinessPolicy getReadinessPolicy() {
        return readinessPolicy;
    }

    public void setReadinessPolicy(ReadinessPolicy readinessPolicy) {
        this.readinessPolicy = readinessPolicy;
    }

    public boolean isReadinessGroup() {
        return readinessGroup;
    }

    public void setReadinessGroup(boolean readinessGroup) {
        this.readinessGroup = readinessGroup;
    }

    public Duration getDrainDelay() {
        return drainDelay;
    }

    public void setDrainDelay(Duration drainDelay) {
        this.drainDelay = drainDelay;
    }
}
