package io.hadr4j.core.datasource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.slf4j.LoggerFactory;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.hadr4j.core.region.RegionInfo;

/**
 * A {@link DataSource} over several endpoints of one geo-replicated database that follows the primary.
 *
 * <pre>{@code
 * RegionAwareDataSource ds = RegionAwareDataSource.create(
 *         RouterConfig.custom().localRegion("westeurope").failoverTimeout(Duration.ofSeconds(30)).build(),
 *         Endpoint.of("weu", "westeurope", weuPool),
 *         Endpoint.of("neu", "northeurope", neuPool));
 * try (Connection c = ds.getConnection()) { ... }             // the current primary
 * try (Connection c = ds.readOnly().getConnection()) { ... }  // a fresh local secondary, else the primary
 * }</pre>
 *
 * <p>{@link #getConnection()} returns a connection to the current primary; while there is none (during a failover,
 * or when a split brain cannot be decided) it waits up to {@link RouterConfig#failoverTimeout()}, re-probing, then
 * throws a {@link NoWritablePrimaryException} (SQLState {@value #SQLSTATE_NO_PRIMARY}), or a {@link SplitBrainException}
 * ({@value #SQLSTATE_SPLIT_BRAIN}) for an undecidable split brain, that names every endpoint and what was last seen of
 * it; a writer whose pool stays busy to the deadline gives a {@link PoolExhaustedException}
 * ({@value #SQLSTATE_POOL_EXHAUSTED}), and a closed DataSource a {@link DataSourceClosedException}
 * ({@value #SQLSTATE_CLOSED}). Catch them by type or by SQLState, as you prefer. Connections are wrapped so
 * that a connection-lost or read-only error triggers an immediate re-probe and eviction.
 *
 * <p>Calls on a handed-out connection are bounded even when the driver has no socket timeout (pgjdbc's default):
 * when the router finds an endpoint unreachable (its probe failed or ran longer than
 * {@link RouterConfig#probeTimeout()}), or fences it, it aborts the connections it handed out to that endpoint
 * that are still open, and when a primary is demoted it aborts its open write connections; a caller blocked in a
 * statement then gets an {@link SQLException} at once. So a call on a blackholed server blocks at most about
 * {@link RouterConfig#probeInterval()} + {@link RouterConfig#probeTimeout()} (3 s by default), or less when a
 * newer primary shows up first. Give the driver a socket timeout too if single statements must be bounded
 * more tightly.
 *
 * <p>{@link #close()} stops probing and wakes waiting threads; it closes the endpoints' DataSources only when
 * {@link RouterConfig#closeDataSourcesOnClose()} is set.
 */
public final class RegionAwareDataSource implements DataSource, AutoCloseable {

    /** SQLState of "no writable primary within failoverTimeout": a {@link NoWritablePrimaryException}. */
    public static final String SQLSTATE_NO_PRIMARY = Router.SQLSTATE_NO_PRIMARY;
    /** SQLState of "two endpoints claim primary and the newer cannot be decided", or of a fenced endpoint: writes fail closed; a {@link SplitBrainException}. */
    public static final String SQLSTATE_SPLIT_BRAIN = Router.SQLSTATE_SPLIT_BRAIN;
    /** SQLState of "this DataSource is closed": a {@link DataSourceClosedException}. */
    public static final String SQLSTATE_CLOSED = Router.SQLSTATE_CLOSED;
    /**
     * SQLState of "pool exhausted": the write endpoint's pool had no free connection up to the deadline
     * (failoverTimeout). The endpoint keeps its role; the exception is a {@link PoolExhaustedException}
     * whose message gives the pool's counts when the pool is HikariCP.
     */
    public static final String SQLSTATE_POOL_EXHAUSTED = Router.SQLSTATE_POOL_EXHAUSTED;

    private final RouterConfig config;
    private final String localRegion;
    private final List<Endpoint> endpoints;
    private final Router router;
    private final DataSource readView = new ReadView();

    private RegionAwareDataSource(RouterConfig config, String localRegion, List<Endpoint> endpoints) {
        this.config = config;
        this.localRegion = localRegion;
        this.endpoints = endpoints;
        this.router = new Router(config, localRegion, endpoints);
    }

    /** Validates the endpoints, probes them once (bounded by the probe timeout) and starts probing. */
    public static RegionAwareDataSource create(RouterConfig config, Endpoint... endpoints) {
        return create(config, Arrays.asList(endpoints == null ? new Endpoint[0] : endpoints));
    }

    /** Validates the endpoints, probes them once (bounded by the probe timeout) and starts probing. */
    public static RegionAwareDataSource create(RouterConfig config, List<Endpoint> endpoints) {
        return create(config, endpoints, null);
    }

    /**
     * As {@link #create(RouterConfig, List)}, with a listener registered before the first probe, so that it also
     * sees the first route (listeners added later with {@link #addListener} see only what happens after).
     */
    public static RegionAwareDataSource create(RouterConfig config, List<Endpoint> endpoints, Consumer<RouterEvent> listener) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null; pass RouterConfig.ofDefaults() or RouterConfig.custom()...build()");
        }
        List<Endpoint> list = validate(endpoints);
        String region = config.localRegion() != null ? config.localRegion() : RegionInfo.resolve().region();
        if (list.stream().noneMatch(e -> e.region().equals(region))) {
            LoggerFactory.getLogger(RegionAwareDataSource.class).warn("{}: no endpoint is in the local region '{}' (endpoints: {}); "
                    + "every read goes to the primary. Set RouterConfig.custom().localRegion(...) or HADR_REGION if that is wrong",
                    config.name(), region, list.stream().map(e -> e.name() + " [" + e.region() + "]").collect(Collectors.joining(", ")));
        }
        RegionAwareDataSource ds = new RegionAwareDataSource(config, region, list);
        if (listener != null) ds.addListener(listener);
        ds.router.start();
        return ds;
    }

    private static List<Endpoint> validate(List<Endpoint> endpoints) {
        String how = "; for example RegionAwareDataSource.create(config, Endpoint.of(\"a\", \"westeurope\", poolA), Endpoint.of(\"b\", \"northeurope\", poolB))";
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed" + how);
        }
        Set<String> names = new HashSet<>();
        Map<DataSource, String> sources = new IdentityHashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            if (e == null) throw new IllegalArgumentException("endpoint #" + (i + 1) + " is null" + how);
            if (e.name() == null || e.name().isBlank()) {
                throw new IllegalArgumentException("endpoint #" + (i + 1) + " has no name; give every endpoint a unique name" + how);
            }
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("two endpoints are named '" + e.name() + "'; endpoint names must be unique");
            }
            if (e.region() == null || e.region().isBlank()) {
                throw new IllegalArgumentException("endpoint '" + e.name() + "' has no region; set the region its server is in" + how);
            }
            if (e.dataSource() == null) {
                throw new IllegalArgumentException("endpoint '" + e.name() + "' has no DataSource; pass the pool that connects to its server" + how);
            }
            if (e.priority() < 0) {
                throw new IllegalArgumentException("endpoint '" + e.name() + "' has priority " + e.priority()
                        + "; priorities must be 0 or more (lower is preferred)");
            }
            String other = sources.put(e.dataSource(), e.name());
            if (other != null) {
                throw new IllegalArgumentException("endpoints '" + other + "' and '" + e.name()
                        + "' share one DataSource; give each endpoint the pool of its own server");
            }
        }
        return List.copyOf(endpoints);
    }

    /** A connection to the current primary (waits up to failoverTimeout while there is none). */
    @Override
    public Connection getConnection() throws SQLException {
        return router.connect(true);
    }

    /** How many handed-out connections are registered for aborting and not closed yet (for tests). */
    int trackedConnections() {
        return router.trackedConnections();
    }

    /** Not supported: credentials belong to the endpoints' pools. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("hadr4j: credentials are configured on each endpoint's DataSource; call getConnection()");
    }

    /**
     * The read view: its {@code getConnection()} returns a connection to a secondary of the local region whose
     * replication lag is within {@link RouterConfig#maxReadLag()}, and to the primary otherwise. Never to a fenced
     * endpoint.
     */
    public DataSource readOnly() {
        return readView;
    }

    /** What the router believes now. */
    public RouterSnapshot snapshot() {
        return router.snapshot();
    }

    /**
     * Registers a listener. Every event is delivered on the router's own event thread, one at a time and in order,
     * never on the thread of a caller of this DataSource nor on a probe thread: a slow or throwing listener delays
     * neither. A listener should still return quickly, since the events after it wait for it (and, past
     * 10,000 queued events, are dropped with a warning).
     */
    public void addListener(Consumer<RouterEvent> listener) {
        router.addListener(listener);
    }

    public void removeListener(Consumer<RouterEvent> listener) {
        router.removeListener(listener);
    }

    /**
     * Probes every endpoint now and returns once a probe round whose every answer comes from a probe that started
     * after this call has been applied: {@link #snapshot()} then shows that round, and its events have been
     * published (they reach the listeners on the event thread; {@link #awaitEvents} waits for that). An endpoint
     * that does not answer within {@link RouterConfig#probeTimeout()} counts as answered, DOWN. Waits at most three
     * probe timeouts plus two seconds, then throws an {@link SQLException}.
     */
    public void probeNow() throws SQLException {
        router.probeNow();
    }

    /**
     * Waits until every {@link RouterEvent} published before this call has been delivered to every listener, for
     * tests and orderly shutdowns that must see them all; false when {@code timeout} passed first (a listener is
     * blocked) or this DataSource is closed.
     */
    public boolean awaitEvents(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or more, for example awaitEvents(Duration.ofSeconds(10))");
        }
        return router.awaitEvents(timeout);
    }

    public RouterConfig config() {
        return config;
    }

    /**
     * The registry that holds this router's circuit breakers, one per endpoint, named {@code <router name>-<endpoint
     * name>}: the one given to {@link RouterConfig.Builder#circuitBreakerRegistry}, else the router's own. Bind it with
     * resilience4j's Micrometer module ({@code TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(...)}) to see the
     * breakers' states and calls. Closing this DataSource removes its breakers from the registry.
     */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return router.circuitBreakerRegistry();
    }

    /** As {@link #circuitBreakerRegistry()}, for the per-endpoint retries of acquiring a connection. */
    public RetryRegistry retryRegistry() {
        return router.retryRegistry();
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The region this process runs in, as configured or resolved. */
    public String localRegion() {
        return localRegion;
    }

    /** The dialect in use, or null while it has not been detected yet. */
    public Dialect dialect() {
        return router.dialect();
    }

    /** Stops probing and wakes waiting threads (they get an SQLException). Idempotent. */
    @Override
    public void close() {
        router.close();
    }

    public boolean isClosed() {
        return router.isClosed();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // hadr4j logs through SLF4J.
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("hadr4j: set timeouts on each endpoint's DataSource and failoverTimeout on RouterConfig");
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.hadr4j");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return iface.cast(this);
        throw new SQLException("RegionAwareDataSource does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "RegionAwareDataSource{name=" + config.name() + ", localRegion=" + localRegion + ", write=" + router.writerName()
                + ", endpoints=" + endpoints.stream().map(e -> e.name() + " [" + e.region() + "]").collect(Collectors.toList()) + "}";
    }

    /** The read view returned by {@link #readOnly()}. */
    private final class ReadView implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return router.connect(false);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return RegionAwareDataSource.this.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return RegionAwareDataSource.this.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            RegionAwareDataSource.this.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            RegionAwareDataSource.this.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return RegionAwareDataSource.this.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return RegionAwareDataSource.this.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) return iface.cast(this);
            return RegionAwareDataSource.this.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this) || RegionAwareDataSource.this.isWrapperFor(iface);
        }

        @Override
        public String toString() {
            return "read view of " + RegionAwareDataSource.this;
        }
    }
}
