package io.hadr4j.core.health;

import java.time.Duration;

/**
 * How a {@link HealthRegistry} runs its checks. Immutable; build with {@link #custom()} or take
 * {@link #ofDefaults()}. Everything is validated by {@link Builder#build()}, which says what to change.
 */
public final class HealthRegistryConfig {

    /** The longest interval, a day: beyond it a value is a unit mistake (and a check that old says nothing about now). */
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);
    /** The longest drain delay: load balancers notice within minutes; a longer wait makes a stop look hung. */
    public static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(10);

    private static final HealthRegistryConfig DEFAULTS = custom().build();

    private final Duration interval;
    private final Duration timeout;
    private final Duration drainDelay;

    private HealthRegistryConfig(Builder b) {
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.drainDelay = b.drainDelay;
    }

    /** Interval 5 s, timeout 2 s, drain delay 15 s. */
    public static HealthRegistryConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** How often every check is evaluated. */
    public Duration interval() {
        return interval;
    }

    /** How long one evaluation may take before the check is reported DOWN (timed out). Less than the interval. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How long {@link HealthRegistry#drainAndAwait()} and the shutdown hook wait after readiness went DOWN, so
     * that load balancers notice before the process stops: at least their probe interval times their unhealthy
     * threshold.
     */
    public Duration drainDelay() {
        return drainDelay;
    }

    @Override
    public String toString() {
        return "HealthRegistryConfig[interval=" + interval + ", timeout=" + timeout + ", drainDelay=" + drainDelay + "]";
    }

    public static final class Builder {
        private Duration interval = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(2);
        private Duration drainDelay = Duration.ofSeconds(15);

        private Builder() {
        }

        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder drainDelay(Duration drainDelay) {
            this.drainDelay = drainDelay;
            return this;
        }

        public HealthRegistryConfig build() {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("health interval must be > 0 (was " + interval
                        + "): set HealthRegistryConfig.custom().interval(...), e.g. Duration.ofSeconds(5)");
            }
            if (interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException("health interval must be at most " + MAX_INTERVAL + " (was " + interval
                        + "): set HealthRegistryConfig.custom().interval(...) from a few ms to 1 day, e.g. Duration.ofSeconds(5)");
            }
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("health timeout must be > 0 (was " + timeout
                        + "): set HealthRegistryConfig.custom().timeout(...), e.g. Duration.ofSeconds(2)");
            }
            if (timeout.compareTo(interval) >= 0) {
                throw new IllegalArgumentException("health timeout (" + timeout + ") must be < interval (" + interval
                        + "): lower timeout(...) or raise interval(...)");
            }
            if (drainDelay == null || drainDelay.isNegative()) {
                throw new IllegalArgumentException("drain delay must be >= 0 (was " + drainDelay
                        + "): set drainDelay(...) to the load balancer's probe interval x unhealthy threshold");
            }
            if (drainDelay.compareTo(MAX_DRAIN_DELAY) > 0) {
                throw new IllegalArgumentException("drain delay must be at most " + MAX_DRAIN_DELAY + " (was " + drainDelay
                        + "): set drainDelay(...) from 0 to 10 minutes, the load balancer's probe interval x unhealthy threshold");
            }
            return new HealthRegistryConfig(this);
        }
    }
}
