package io.hadr4j.core.datasource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * How a {@link RegionAwareDataSource} behaves. Immutable; create it with {@link #ofDefaults()} or
 * {@link #custom()}{@code ...build()}, which validates every value and says what to change.
 */
public final class RouterConfig {

    private static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(100);
    private static final Duration MIN_PROBE_TIMEOUT = Duration.ofMillis(100);
    /**
     * Upper bounds, so that a unit mistake (minutes for milliseconds, a day for a second) fails at build: a probe
     * less often than hourly would not notice a failover; a probe may take at most 10 minutes; a caller waits at most
     * an hour for a primary; a read tolerates at most a day of replication lag.
     */
    static final Duration MAX_PROBE_INTERVAL = Duration.ofHours(1);
    static final Duration MAX_PROBE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration MAX_FAILOVER_TIMEOUT = Duration.ofHours(1);
    static final Duration MAX_READ_LAG = Duration.ofDays(1);

    private final String name;
    private final String localRegion;
    private final Dialect dialect;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final Duration failoverTimeout;
    private final Duration maxReadLag;
    private final boolean closeDataSourcesOnClose;
    private final boolean evictOnPromotion;
    private final CircuitBreakerConfig circuitBreakerConfig;
    private final CircuitBreakerConfig givenCircuitBreakerConfig; // null = derived from the probe settings
    private final RetryConfig retryConfig;
    private final CircuitBreakerRegistry circuitBreakerRegistry;
    private final RetryRegistry retryRegistry;
    private final Path epochFile;

    private RouterConfig(Builder b) {
        this.name = b.name;
        this.localRegion = b.localRegion;
        this.dialect = b.dialect;
        this.probeInterval = b.probeInterval;
        this.probeTimeout = b.probeTimeout;
        this.failoverTimeout = b.failoverTimeout;
        this.maxReadLag = b.maxReadLag;
        this.closeDataSourcesOnClose = b.closeDataSourcesOnClose;
        this.evictOnPromotion = b.evictOnPromotion;
        this.givenCircuitBreakerConfig = b.circuitBreakerConfig;
        this.circuitBreakerConfig = b.circuitBreakerConfig != null ? b.circuitBreakerConfig
                : CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(4)
                        .minimumNumberOfCalls(2)
                        .failureRateThreshold(75)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .waitDurationInOpenState(max(probeInterval.multipliedBy(3), probeTimeout))
                        .build();
        this.retryConfig = b.retryConfig;
        this.circuitBreakerRegistry = b.circuitBreakerRegistry;
        this.retryRegistry = b.retryRegistry;
        this.epochFile = b.epochFile;
    }

    /** The defaults: probe every 1 s with a 2 s timeout, wait up to 30 s for a primary, read lag up to 5 s. */
    public static RouterConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** A copy of {@code config} to change. */
    public static Builder from(RouterConfig config) {
        Builder b = new Builder();
        b.name = config.name;
        b.localRegion = config.localRegion;
        b.dialect = config.dialect;
        b.probeInterval = config.probeInterval;
        b.probeTimeout = config.probeTimeout;
        b.failoverTimeout = config.failoverTimeout;
        b.maxReadLag = config.maxReadLag;
        b.closeDataSourcesOnClose = config.closeDataSourcesOnClose;
        b.evictOnPromotion = config.evictOnPromotion;
        b.circuitBreakerConfig = config.givenCircuitBreakerConfig;
        b.retryConfig = config.retryConfig;
        b.circuitBreakerRegistry = config.circuitBreakerRegistry;
        b.retryRegistry = config.retryRegistry;
        b.epochFile = config.epochFile;
        return b;
    }

    /** The name used in logs, thread names and messages. */
    public String name() {
        return name;
    }

    /** The region this process runs in, or {@code null} to take {@code RegionInfo.resolve().region()}. */
    public String localRegion() {
        return localRegion;
    }

    /** The dialect, or {@code null} to detect it from the driver's metadata on the first probe. */
    public Dialect dialect() {
        return dialect;
    }

    public Duration probeInterval() {
        return probeInterval;
    }

    public Duration probeTimeout() {
        return probeTimeout;
    }

    /** How long {@code getConnection()} waits for a writable primary before it throws. */
    public Duration failoverTimeout() {
        return failoverTimeout;
    }

    /** The largest replication lag a read on a secondary may see. */
    public Duration maxReadLag() {
        return maxReadLag;
    }

    public boolean closeDataSourcesOnClose() {
        return closeDataSourcesOnClose;
    }

    public boolean evictOnPromotion() {
        return evictOnPromotion;
    }

    /** The per-endpoint circuit breaker's config (probes and connection failures are recorded in it). */
    public CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    /** The retry config for acquiring a connection, or {@code null} for the default (3 attempts on transient errors). */
    public RetryConfig retryConfig() {
        return retryConfig;
    }

    /**
     * The registry the router puts its circuit breakers in (one per endpoint, named {@code <name>-<endpoint name>}),
     * or {@code null} (the default): then every router makes a registry of its own. See
     * {@link Builder#circuitBreakerRegistry}.
     */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return circuitBreakerRegistry;
    }

    /** As {@link #circuitBreakerRegistry()}, for the retries of acquiring a connection. */
    public RetryRegistry retryRegistry() {
        return retryRegistry;
    }

    /** Where the newest epoch seen is kept across restarts, or {@code null} (the default) to keep it in memory only. */
    public Path epochFile() {
        return epochFile;
    }

    /**
     * The epoch kept in {@code file} (the larger of its two slots, see {@link EpochFile}), empty if there is none; a
     * damaged (torn) slot does not fail, the other one's value is used.
     *
     * @throws IllegalArgumentException if the file cannot be read, or holds text that is not hadr4j's and no good
     *                                  copy is beside it (another program's file); the message says what to do
     */
    static OptionalLong readEpochFile(Path file) {
        return EpochFile.read(file).value();
    }

    @Override
    public String toString() {
        return io.hadr4j.core.Secrets.mask("RouterConfig{name=" + name + ", localRegion=" + localRegion + ", dialect=" + dialect
                + ", probeInterval=" + probeInterval.toMillis() + "ms, probeTimeout=" + probeTimeout.toMillis()
                + "ms, failoverTimeout=" + failoverTimeout.toMillis() + "ms, maxReadLag=" + maxReadLag.toMillis()
                + "ms, closeDataSourcesOnClose=" + closeDataSourcesOnClose + ", evictOnPromotion=" + evictOnPromotion
                + (epochFile != null ? ", epochFile=" + epochFile : "") + "}");
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Builds a {@link RouterConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String name = "hadr4j";
        private String localRegion;
        private Dialect dialect;
        private Duration probeInterval = Duration.ofSeconds(1);
        private Duration probeTimeout = Duration.ofSeconds(2);
        private Duration failoverTimeout = Duration.ofSeconds(30);
        private Duration maxReadLag = Duration.ofSeconds(5);
        private boolean closeDataSourcesOnClose;
        private boolean evictOnPromotion;
        private CircuitBreakerConfig circuitBreakerConfig;
        private RetryConfig retryConfig;
        private CircuitBreakerRegistry circuitBreakerRegistry;
        private RetryRegistry retryRegistry;
        private Path epochFile;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The region this process runs in; reads prefer secondaries of this region. */
        public Builder localRegion(String localRegion) {
            this.localRegion = localRegion;
            return this;
        }

        /** The dialect; leave unset to detect it from the driver's metadata. */
        public Builder dialect(Dialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /** How often every endpoint is probed in the background (at least 100 ms). */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
            return this;
        }

        /** How long one probe of one endpoint may take before the endpoint counts as down (at least 100 ms). */
        public Builder probeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
            return this;
        }

        /** How long {@code getConnection()} may wait for a writable primary during a failover (0 = do not wait). */
        public Builder failoverTimeout(Duration failoverTimeout) {
            this.failoverTimeout = failoverTimeout;
            return this;
        }

        /** The largest replication lag a read may tolerate on a secondary; beyond it reads go to the primary. */
        public Builder maxReadLag(Duration maxReadLag) {
            this.maxReadLag = maxReadLag;
            return this;
        }

        /** Whether {@code close()} also closes the endpoints' DataSources (default false: they are yours). */
        public Builder closeDataSourcesOnClose(boolean closeDataSourcesOnClose) {
            this.closeDataSourcesOnClose = closeDataSourcesOnClose;
            return this;
        }

        /**
         * Also soft-evict an endpoint's pool when it becomes primary (default false). Set it when endpoints are DNS
         * listeners (Azure SQL failover-group listener mode): connections opened while the name still pointed at
         * the old server must not be used once the listener is writable again.
         */
        public Builder evictOnPromotion(boolean evictOnPromotion) {
            this.evictOnPromotion = evictOnPromotion;
            return this;
        }

        /** Overrides the per-endpoint circuit breaker config (default: open after 2 of the last 4 calls failed). */
        public Builder circuitBreakerConfig(CircuitBreakerConfig circuitBreakerConfig) {
            this.circuitBreakerConfig = circuitBreakerConfig;
            return this;
        }

        /** Overrides the retry config for acquiring a connection (default: 3 attempts, 100 ms apart, on transient errors). */
        public Builder retryConfig(RetryConfig retryConfig) {
            this.retryConfig = retryConfig;
            return this;
        }

        /**
         * The registry to put the per-endpoint circuit breakers in, named {@code <name>-<endpoint name>} (for
         * example {@code hadr4j-a}), so that resilience4j's own Micrometer and Actuator bindings of that registry
         * show them. Default: none, and every router makes a registry of its own
         * ({@link RegionAwareDataSource#circuitBreakerRegistry()}). Each breaker still uses
         * {@link #circuitBreakerConfig}; a router refuses to start when the registry already holds one of its
         * names (another router of the same name), and removes its breakers from the registry when closed.
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry circuitBreakerRegistry) {
            this.circuitBreakerRegistry = circuitBreakerRegistry;
            return this;
        }

        /** As {@link #circuitBreakerRegistry}, for the per-endpoint retries of acquiring a connection. */
        public Builder retryRegistry(RetryRegistry retryRegistry) {
            this.retryRegistry = retryRegistry;
            return this;
        }

        /**
         * A file in which the router keeps the newest epoch (PostgreSQL timeline) it has seen, so that after a
         * restart it still fences an old primary that came back while the newest one is out of its reach; without
         * it a restarted router knows only what it sees. The directory must exist and be writable; the file is
         * written durably each time the newest epoch grows (with a second copy, {@code <file>.bak}, so that a crash
         * mid-write leaves the last good value: a damaged file is reported and does not stop the router). Delete it only when the database was rebuilt from
         * scratch (its epochs started again). Default: none.
         */
        public Builder epochFile(Path epochFile) {
            this.epochFile = epochFile;
            return this;
        }

        /** Validates and builds; a bad value fails with an {@link IllegalArgumentException} that says what to change. */
        public RouterConfig build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank; set it with RouterConfig.custom().name(\"orders-db\")");
            }
            if (localRegion != null && localRegion.isBlank()) {
                throw new IllegalArgumentException("localRegion must not be blank; set the region this process runs in, "
                        + "for example RouterConfig.custom().localRegion(\"westeurope\"), or leave it unset to resolve it from HADR_REGION or a detector");
            }
            within("probeInterval", probeInterval, MIN_PROBE_INTERVAL, MAX_PROBE_INTERVAL, "Duration.ofSeconds(1)");
            within("probeTimeout", probeTimeout, MIN_PROBE_TIMEOUT, MAX_PROBE_TIMEOUT, "Duration.ofSeconds(2)");
            within("failoverTimeout", failoverTimeout, Duration.ZERO, MAX_FAILOVER_TIMEOUT, "Duration.ofSeconds(30)");
            within("maxReadLag", maxReadLag, Duration.ZERO, MAX_READ_LAG, "Duration.ofSeconds(5)");
            if (failoverTimeout.compareTo(Duration.ZERO) > 0 && failoverTimeout.compareTo(probeTimeout) < 0) {
                throw new IllegalArgumentException("failoverTimeout (" + failoverTimeout.toMillis() + " ms) is shorter than probeTimeout ("
                        + probeTimeout.toMillis() + " ms), so a waiting getConnection() would give up before one probe could answer; "
                        + "raise failoverTimeout to at least " + probeTimeout.toMillis() + " ms, lower probeTimeout, or set failoverTimeout to 0 to never wait");
            }
            if (epochFile != null) {
                Path dir = epochFile.toAbsolutePath().getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("epochFile " + epochFile + " is in a directory that does not exist (" + dir
                            + "); create the directory or point epochFile at a file in an existing, writable one");
                }
                if (!Files.isWritable(dir)) {
                    throw new IllegalArgumentException("epochFile " + epochFile + " is in a directory this process cannot write (" + dir
                            + "); make it writable or point epochFile elsewhere");
                }
                if (Files.isDirectory(epochFile)) {
                    throw new IllegalArgumentException("epochFile " + epochFile + " is a directory; point it at a file, for example "
                            + epochFile.resolve("hadr4j.epoch"));
                }
                readEpochFile(epochFile);
            }
            return new RouterConfig(this);
        }

        private static void within(String what, Duration value, Duration min, Duration max, String example) {
            atLeast(what, value, min, example);
            if (value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be at most " + describe(max) + " (was " + describe(value)
                        + "); set it from " + min.toMillis() + " ms to " + describe(max) + ", for example RouterConfig.custom()."
                        + what + "(" + example + ")");
            }
        }

        /** {@code 3600000 ms (PT1H)}: exact, and readable for large values (never overflows, unlike toMillis()). */
        private static String describe(Duration d) {
            try {
                long ms = d.toMillis();
                return Math.abs(ms) >= 60_000 ? ms + " ms (" + d + ")" : ms + " ms";
            } catch (ArithmeticException tooLarge) {
                return d.toString();
            }
        }

        private static void atLeast(String what, Duration value, Duration min, String example) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null; set it, for example RouterConfig.custom()." + what + "(" + example + ")");
            }
            if (value.compareTo(min) < 0) {
                throw new IllegalArgumentException(what + " must be at least " + min.toMillis() + " ms (was " + describe(value)
                        + "); set it, for example RouterConfig.custom()." + what + "(" + example + ")");
            }
        }
    }
}
