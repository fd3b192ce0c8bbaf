package io.hadr4j.core.datasource;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.hadr4j.core.Secrets;

/**
 * The engine behind {@link RegionAwareDataSource}: hands out connections along the current route, reacts to errors
 * of handed-out connections, and runs the probe rounds that decide the route. Its collaborators each own one concern:
 * {@link Prober} runs a round (the probes, their timeouts and late answers; its per-endpoint state is
 * {@link Prober.Slot}), {@link RouteDecision} decides the route from what a round saw (a pure function), {@link Withdrawals}
 * aborts and evicts an endpoint's connections, {@link EpochFile} keeps the newest epoch across restarts, and
 * {@link Listeners} delivers the events on a thread of their own.
 *
 * <p>Threads: one scheduler thread runs probe rounds one at a time (so all route decisions are made there, except
 * that a connection error may withdraw the write route at once); probes of single endpoints run on a cached pool of
 * daemon threads so that one endpoint that hangs delays nothing but its own result. The current route is one
 * immutable object in a volatile field: the hot path is one volatile read.
 */
final class Router implements AutoCloseable {

    static final String SQLSTATE_NO_PRIMARY = "08H01";
    static final String SQLSTATE_SPLIT_BRAIN = "08H02";
    static final String SQLSTATE_CLOSED = "08H03";
    static final String SQLSTATE_POOL_EXHAUSTED = "08H04";

    private static final Logger LOG = LoggerFactory.getLogger(RegionAwareDataSource.class);

    /** One endpoint and what the router knows about it. */
    static final class Node {
        final Router router;
        final Endpoint endpoint;
        final DataSource pool; // endpoint.dataSource(), one load nearer the hot path
        final PoolAccess access; // borrowing from pool within a deadline
        final ProbeConnection probe; // the probe's own connection, never one of the application's
        final CircuitBreaker breaker;
        final Retry retry;
        volatile Observation seen = Observation.NONE;
        volatile boolean fenced;
        volatile long suspectSinceNanos;
        volatile String lastFailure;
        final OpenConnections open = new OpenConnections();
        // How often the router withdrew this endpoint: +1 for all connections, +WRITES_ONLY for write connections
        // only (each half wraps; only changes are compared). Incremented before open is swept.
        volatile int withdrawals;
        volatile String withdrawnBecause;
        final Prober.Slot probing = new Prober.Slot(); // the probe-round thread's own state of this endpoint's probes
        long seenSinceNanos; // when the probe that gave seen started (or, for a decision without one, when it was made)

        Node(Router router, Endpoint endpoint, CircuitBreaker breaker, Retry retry) {
            this.router = router;
            this.endpoint = endpoint;
            this.pool = endpoint.dataSource();
            this.access = new PoolAccess(pool);
            this.probe = new ProbeConnection(endpoint, access);
            this.breaker = breaker;
            this.retry = retry;
        }

        String name() {
            return endpoint.name();
        }
    }

    /**
     * What the last applied probe round saw of every endpoint, published as one unit at the end of the round, after
     * its events were published: {@link #snapshot()} shows a whole round or none of it. {@code freshSinceNanos}: the
     * earliest start among the probes whose answers it holds ({@link #probeNow()} waits until that is after its call).
     */
    private record Shown(Observation[] seen, boolean[] fenced, long round, long freshSinceNanos) {
    }

    /** The last change of the write endpoint after a loss of the primary. */
    private record Failover(String from, String to, Instant at, Duration took) {
    }

    /** Where connections go; immutable. */
    static final class Route {
        final Node writer;
        final String refusal;
        final String sqlState;
        final Node[] readers;

        Route(Node writer, String refusal, String sqlState, Node[] readers) {
            this.writer = writer;
            this.refusal = refusal;
            this.sqlState = sqlState;
            this.readers = readers;
        }

        Route withoutWriter(String why) {
            return new Route(null, why, SQLSTATE_NO_PRIMARY, readers);
        }
    }

    private final RouterConfig config;
    private final String localRegion;
    private final Node[] nodes;
    private final CircuitBreakerRegistry breakers; // the nodes' breakers and retries are named instances of these
    private final RetryRegistry retries;
    private volatile Route route; // read on every getConnection(): a field, not an AtomicReference (one load less)
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probeExecutor;
    private final AtomicBoolean probeRequested = new AtomicBoolean();
    private final Listeners listeners;
    // The latest probeNow(): a probe answer that started before it is not used without asking again.
    private final AtomicLong freshWantedNanos = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private volatile Shown shown;
    private final Object monitor = new Object();
    private final long minRoundGapNanos;
    private final long failoverNanos;
    private final long sliceNanos; // the longest a getConnection() waits on a pool before it looks at the route again
    private final long fastRoundGapNanos; // between rounds while there is no writer
    private final long firstBorrowNanos; // borrowBound at the start of a getConnection(), without asking the clock again

    /** The shortest gap between rounds while there is no writer (callers are waiting for one). */
    private static final long FAST_ROUND_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final Prober prober; // probe rounds (on the scheduler thread) and single probes (on probeExecutor)
    private final Withdrawals withdrawals; // aborting and evicting an endpoint's connections
    private volatile boolean closed;
    private volatile long rounds;        // completed probe rounds (written by the probe-round thread only)
    private volatile long roundsStarted; // started probe rounds (ditto)
    private volatile long lastRoundEndNanos;
    private volatile long writerLostAtNanos;
    private volatile Failover failover;
    private final RoundState own = new RoundState();

    /**
     * What only the probe-round thread reads and writes (the constructor sets the first epoch before that thread
     * starts): the decisions of one round that the next round builds on.
     */
    private static final class RoundState {
        long maxEpoch = Long.MIN_VALUE; // the newest epoch ever seen (or kept in the epoch file)
        Node lastWriter; // the last endpoint that took writes, for "previously ..." and NO_PRIMARY events
        String splitBrain; // the split-brain situation last reported, so that each is reported once
    }

    Router(RouterConfig config, String localRegion, List<Endpoint> endpoints) {
        this.config = config;
        if (config.epochFile() != null) {
            EpochFile.Read read = EpochFile.read(config.epochFile());
            if (read.warning() != null) LOG.warn("{}: {}", config.name(), Secrets.mask(read.warning()));
            OptionalLong kept = read.value();
            if (kept.isPresent()) {
                own.maxEpoch = kept.getAsLong();
                LOG.info("{}: the newest epoch seen before is {} (from {}); a primary on an older one is fenced", config.name(), own.maxEpoch, config.epochFile());
            }
        }
        this.localRegion = localRegion;
        this.route = new Route(null, "not probed yet", SQLSTATE_NO_PRIMARY, new Node[0]);
        this.minRoundGapNanos = Math.min(config.probeInterval().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(100));
        this.failoverNanos = config.failoverTimeout().toNanos();
        this.sliceNanos = Math.max(config.probeInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(100));
        this.fastRoundGapNanos = Math.min(minRoundGapNanos, FAST_ROUND_GAP_NANOS);
        this.firstBorrowNanos = failoverNanos == 0 ? Long.MAX_VALUE : Math.min(failoverNanos, sliceNanos);
        RetryConfig retryConfig = config.retryConfig() != null ? config.retryConfig()
                : RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                        // Not a pool's timeout: each attempt would be a whole pool timeout; the wait loop handles it.
                        .retryOnException(e -> e instanceof SQLException s && classify(s) == Dialect.ErrorKind.TRANSIENT
                                && !PoolAccess.isPoolExhausted(s))
                        .build();
        this.breakers = config.circuitBreakerRegistry() != null ? config.circuitBreakerRegistry() : CircuitBreakerRegistry.ofDefaults();
        this.retries = config.retryRegistry() != null ? config.retryRegistry() : RetryRegistry.ofDefaults();
        for (Endpoint e : endpoints) {
            String n = instanceName(e);
            if (breakers.find(n).isPresent() || retries.find(n).isPresent()) {
                throw new IllegalArgumentException("the resilience4j registry already holds a circuit breaker or retry named '" + n
                        + "' (another router named '" + config.name() + "' with an endpoint '" + e.name() + "' uses it); give each router "
                        + "its own name: RouterConfig.custom().name(\"orders-db\")");
            }
        }
        this.nodes = endpoints.stream()
                .map(e -> new Node(this, e, breakers.circuitBreaker(instanceName(e), config.circuitBreakerConfig()),
                        retries.retry(instanceName(e), retryConfig)))
                .toArray(Node[]::new);
        long old = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
        Observation[] none = new Observation[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            none[i] = Observation.NONE;
            nodes[i].seenSinceNanos = old;
        }
        this.shown = new Shown(none, new boolean[nodes.length], 0, old);
        this.listeners = new Listeners(config.name(), daemon(config.name() + "-events"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(config.name() + "-router"));
        this.probeExecutor = Executors.newCachedThreadPool(daemon(config.name() + "-probe"));
        this.withdrawals = new Withdrawals(config.name(), probeExecutor, this::publish);
        this.prober = new Prober(config.name(), nodes, config.probeTimeout(), config.dialect(), probeExecutor, new ProberHost());
    }

    private String instanceName(Endpoint e) {
        return config.name() + "-" + e.name();
    }

    CircuitBreakerRegistry circuitBreakerRegistry() {
        return breakers;
    }

    RetryRegistry retryRegistry() {
        return retries;
    }

    /** Runs the first probe round (bounded by the probe timeout) and starts the periodic probe. */
    void start() {
        try {
            scheduler.submit(this::probeRoundSafely).get(config.probeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: the first probe round did not complete ({}); routing starts when one does", config.name(), Secrets.mask(e.toString()));
        }
        long interval = config.probeInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::probeRoundSafely, interval, interval, TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- connections

    Connection connect(boolean write) throws SQLException {
        Route r = route;
        Node w = r.writer;
        if (w != null && w.access.known() && (write || r.readers.length == 0)) {
            // The hot path asks no clock: a known pool's wait is bounded, so a failed attempt's share of the deadline
            // is known afterwards (the whole bound when the wait ran out, next to nothing when it failed at once).
            try {
                return new RouterConnection(w, write, w.access.borrow(firstBorrowNanos));
            } catch (SQLException e) {
                long start = System.nanoTime() - (w.access.waitTimedOut(e) ? w.access.waitBoundNanos(firstBorrowNanos) : 0);
                acquireFailed(w, e);
                return connectSlowly(write, start, e);
            }
        }
        long start = System.nanoTime();
        if (!write && r.readers.length > 0) {
            Connection c = tryReaders(r, firstBorrowNanos);
            if (c != null) return c;
        }
        SQLException last = null;
        if (w != null) {
            try {
                return new RouterConnection(w, write, w.access.borrow(firstBorrowNanos));
            } catch (SQLException e) {
                last = e;
                acquireFailed(w, e);
            }
        }
        return connectSlowly(write, start, last);
    }

    /**
     * How long one wait on a pool may last: up to the deadline, in slices (so that a waiting caller sees a new route),
     * and with failoverTimeout 0 the pool's own timeout (0 means "do not wait for a failover", not "for a pool").
     */
    private long borrowBound(long deadline) {
        if (failoverNanos == 0) return Long.MAX_VALUE;
        return Math.max(0, Math.min(deadline - System.nanoTime(), sliceNanos));
    }

    private Connection tryReaders(Route r, long maxWaitNanos) {
        for (Node n : r.readers) {
            if (n.breaker.getState() == CircuitBreaker.State.OPEN) continue;
            try {
                return new RouterConnection(n, false, n.access.borrow(maxWaitNanos));
            } catch (SQLException e) {
                LOG.debug("{}: read connection to {} failed, trying the next ({})", config.name(), n.name(), PoolSupport.safeMessage(e));
                if (n.access.waitTimedOut(e)) {
                    requestProbe(); // the pool's wait ran out: says nothing about the server, the probe decides
                } else if (classify(e) == Dialect.ErrorKind.CONNECTION_LOST) {
                    n.breaker.onError(0, TimeUnit.NANOSECONDS, e);
                    requestProbe();
                }
            }
        }
        return null;
    }

    /** Thrown inside a retry when the deadline has passed: not retried, ends the wait. */
    private static final class DeadlinePassed extends RuntimeException {
        DeadlinePassed() {
            super(null, null, false, false);
        }
    }

    /**
     * Waits, re-probing, until a writer exists or the failover timeout (counted from {@code start}) passes. Every
     * wait ends by the deadline: on the probe rounds, and on a pool (see {@link #borrowBound}); a pool that has no
     * free connection is asked again until the deadline, without a probe (a busy pool says nothing about the server)
     * and never retried with a whole pool timeout of its own.
     */
    private Connection connectSlowly(boolean write, long start, SQLException first) throws SQLException {
        long deadline = start + failoverNanos;
        SQLException last = first;
        while (true) {
            long nextRound = rounds + 1;
            if (closed) throw closedException();
            Route r = route;
            if (!write) {
                Connection c = tryReaders(r, borrowBound(deadline));
                if (c != null) return c;
            }
            Node w = r.writer;
            long attemptAt = System.nanoTime();
            if (w != null && deadline - attemptAt > 0) {
                try {
                    Connection raw = w.retry.executeCallable(() -> {
                        if (deadline - System.nanoTime() <= 0) throw new DeadlinePassed();
                        return w.access.borrow(borrowBound(deadline));
                    });
                    return new RouterConnection(w, write, raw);
                } catch (DeadlinePassed e) {
                    // the deadline check below ends it
                } catch (SQLException e) {
                    last = e;
                    acquireFailed(w, e);
                } catch (Exception e) {
                    throw new NoWritablePrimaryException(config.name() + ": unexpected failure connecting to " + w.name() + ": "
                            + PoolSupport.safeMessage(e) + ". Endpoints: " + describeEndpoints(), PoolSupport.masked(e));
                }
            }
            long now = System.nanoTime();
            long remaining = deadline - now;
            if (remaining <= 0) throw gaveUp(route, last, now - start);
            if (w != null && last != null && PoolAccess.isPoolExhausted(last) && route.writer == w) {
                // The pool waited (up to a slice) and had nothing; ask it again. A pool that answers at once gets a pause.
                if (now - attemptAt < TimeUnit.MILLISECONDS.toNanos(5)) awaitRounds(Long.MAX_VALUE, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)), r);
                continue;
            }
            requestProbe();
            awaitRounds(nextRound, Math.min(remaining, config.probeInterval().toNanos()), r);
        }
    }

    /**
     * Getting a connection from {@code n}'s pool failed. Only a lost connection counts against the endpoint's
     * circuit breaker: a HikariCP pool whose wait ran out says nothing about the server, whether it was busy or could not
     * open a connection in time (a refused password while credentials rotate), so it only asks for a probe.
     */
    private void acquireFailed(Node n, SQLException e) throws SQLException {
        if (n.access.waitTimedOut(e)) { // a busy pool, or one that could not open a connection in time: the probe decides
            requestProbe();
            return;
        }
        Dialect.ErrorKind kind = classify(e);
        if (kind == Dialect.ErrorKind.FATAL) {
            throw new SQLException(config.name() + ": could not connect to " + n.name() + ": " + PoolSupport.safeMessage(e)
                    + ". Endpoints: " + describeEndpoints(), e.getSQLState(), e.getErrorCode(), PoolSupport.masked(e));
        }
        if (kind != Dialect.ErrorKind.TRANSIENT) {
            n.breaker.onError(0, TimeUnit.NANOSECONDS, e);
            suspect(n, "getting a connection from " + n.name() + " failed: " + PoolSupport.safeMessage(e));
        }
    }

    /**
     * Waits until {@code target} probe rounds have completed, the router closes, {@code nanos} pass, or (when
     * {@code from} is not null) the route is no longer {@code from}: a round wakes the callers waiting for a writer or a
     * reader as soon as it publishes one, before it finishes (see {@link #apply}).
     */
    private void awaitRounds(long target, long nanos, Route from) throws SQLException {
        long end = System.nanoTime() + nanos;
        synchronized (monitor) {
            while (rounds < target && !closed && (from == null || route == from)) {
                long left = end - System.nanoTime();
                if (left <= 0) return;
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NoWritablePrimaryException(config.name() + ": interrupted while waiting for a writable primary. Endpoints: "
                            + describeEndpoints(), e);
                }
            }
        }
    }

    /**
     * A connection this router handed out raised {@code e}. Returns true when the connection was evicted (then
     * later errors of the same connection need no report).
     */
    boolean onConnectionError(Node n, boolean write, Connection raw, SQLException e) {
        Dialect.ErrorKind kind = classify(e);
        boolean readOnly = kind == Dialect.ErrorKind.READ_ONLY && write;
        if (kind != Dialect.ErrorKind.CONNECTION_LOST && !readOnly) return false;
        PoolSupport.evict(n.endpoint.dataSource(), raw);
        // Not recorded in the circuit breaker: one broken session says little about new connections; the probe decides.
        String cause = "a " + (write ? "write" : "read") + " connection to " + n.name() + " raised "
                + (readOnly ? "a read-only error" : "a connection-lost error") + ": " + PoolSupport.safeMessage(e)
                + "; evicted it, re-probing";
        LOG.info("{}: {}", config.name(), cause);
        // The application gets the driver's own exception (type, SQLState and vendor code intact), with the router's view attached.
        e.addSuppressed(new SQLException(config.name() + ": " + cause + ". Endpoints: " + describeEndpoints(), e.getSQLState()));
        Route r = route;
        publish(new RouterEvent(RouterEvent.Type.CONNECTION_ERROR, n.name(), name(r.writer), name(r.writer), cause, null, Instant.now()));
        if (readOnly || r.writer == n) {
            suspect(n, cause);
        } else {
            requestProbe();
        }
        return true;
    }

    /** Withdraws the write route from {@code n} until a probe round that started after now confirms it. */
    private void suspect(Node n, String why) {
        long now = System.nanoTime();
        n.suspectSinceNanos = now == 0 ? 1 : now;
        Route r = route;
        if (r.writer == n) {
            if (writerLostAtNanos == 0) writerLostAtNanos = now;
            ROUTE.compareAndSet(this, r, r.withoutWriter("re-probing " + n.name() + " after " + why));
        }
        requestProbe();
    }

    Dialect.ErrorKind classify(SQLException e) {
        Dialect d = prober == null ? config.dialect() : prober.dialect();
        if (d != null) return d.classify(e);
        Dialect.ErrorKind a = Dialect.POSTGRESQL.classify(e);
        Dialect.ErrorKind b = Dialect.SQL_SERVER.classify(e);
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    // ---------------------------------------------------------------- probing

    /** Asks for a probe round soon (coalesced with any already asked for). */
    void requestProbe() {
        if (closed || !probeRequested.compareAndSet(false, true)) return;
        long gap = route.writer == null ? fastRoundGapNanos : minRoundGapNanos;
        long delay = rounds == 0 ? 0 : Math.max(0, gap - (System.nanoTime() - lastRoundEndNanos));
        try {
            scheduler.schedule(() -> {
                probeRequested.set(false);
                probeRoundSafely();
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            probeRequested.set(false);
        }
    }

    /**
     * Probes every endpoint and returns once a round whose every answer comes from a probe that started after this
     * call has been applied: {@link #snapshot()} then shows it, and its events have been published (see
     * {@link #awaitEvents}). A late answer to an earlier probe is not enough (the round asks again). An endpoint
     * whose probe times out counts as answered (DOWN). Bounded by {@link #probeNowBoundNanos()}; past it, throws.
     */
    void probeNow() throws SQLException {
        long t0 = System.nanoTime();
        freshWantedNanos.accumulateAndGet(t0, (a, b) -> b - a > 0 ? b : a);
        long bound = probeNowBoundNanos();
        long end = t0 + bound;
        while (true) {
            if (closed) throw closedException();
            if (shown.freshSinceNanos() - t0 >= 0) return;
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new NoWritablePrimaryException(config.name() + ": probeNow(): no probe round that started after the call completed within "
                        + TimeUnit.NANOSECONDS.toMillis(bound) + " ms. Endpoints: " + describeEndpoints(), null);
            }
            long target = rounds + 1;
            requestProbe();
            awaitRounds(target, left, null);
        }
    }

    /** Two rounds that each wait up to probeTimeout, the gaps between rounds, and room for a loaded machine. */
    private long probeNowBoundNanos() {
        return 3 * config.probeTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
    }

    /** Waits until every event published before now has been delivered to the listeners; false on timeout. */
    boolean awaitEvents(Duration timeout) {
        return listeners.awaitDelivered(timeout);
    }

    private void probeRoundSafely() {
        roundsStarted++;
        try {
            Prober.Round r = prober.run(roundsStarted, own.maxEpoch, freshWantedNanos.get());
            if (r != null) apply(r);
        } catch (Throwable t) {
            LOG.error("{}: probe round failed unexpectedly ({}); the next one runs as scheduled", config.name(), Secrets.mask(t.toString()),
                    PoolSupport.masked(t));
        } finally {
            lastRoundEndNanos = System.nanoTime();
            synchronized (monitor) {
                rounds++;
                monitor.notifyAll();
            }
            if (prober.lateAnswerWaiting()) requestProbe();
        }
    }

    /** What the prober asks of this router. */
    private final class ProberHost implements Prober.Host {
        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public long roundsCompleted() {
            return rounds;
        }

        @Override
        public void requestProbe() {
            Router.this.requestProbe();
        }

        @Override
        public boolean hasWriter() {
            return route.writer != null;
        }

        @Override
        public Dialect.ErrorKind classify(SQLException e) {
            return Router.this.classify(e);
        }

        @Override
        public void pathWasReset(Node node) {
            // Whatever reset the probe's connection (a network path, a proxy, a restarted listener) has most likely reset
            // the pool's idle connections too, which a pool may hand out unchecked: the pool replaces them.
            withdrawals.evictPool(node, "the probe's own connection to it was reset too");
        }
    }

    // ---------------------------------------------------------------- deciding the route

    private void apply(Prober.Round round) {
        Observation[] results = round.results();
        long roundStart = round.start();
        for (int i = 0; i < nodes.length; i++) {
            Node node = nodes[i];
            Observation old = node.seen;
            Observation now = results[i];
            if (now == null) continue; // still being probed: what was last seen stands
            node.seen = now;
            node.seenSinceNanos = round.since()[i];
            if (now.role() != Role.DOWN && now.epoch() != null && now.epoch() > own.maxEpoch) {
                own.maxEpoch = now.epoch();
                keepEpoch();
            }
            if (old.role() != now.role()) {
                roleChanged(node, old, now);
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("{}: probe {}", config.name(), view(node).describe());
            }
        }
        Observation[] seen = new Observation[nodes.length];
        for (int i = 0; i < nodes.length; i++) seen[i] = nodes[i].seen;
        Observation[] filled = RouteDecision.withLagFromPrimaries(seen);
        for (int i = 0; i < nodes.length; i++) {
            if (filled[i] != seen[i]) nodes[i].seen = filled[i]; // only lag filled in from a primary is new
        }
        List<Node> newlyFenced = new ArrayList<>(0);
        Route next = decide(newlyFenced);
        Route prev = ROUTE.getAndSet(this, next);
        if (next.writer != prev.writer || !Arrays.equals(next.readers, prev.readers)) {
            synchronized (monitor) {
                monitor.notifyAll(); // callers waiting for a route take it now, not once this round's bookkeeping is done
            }
        }
        // After the route is published: a fenced endpoint's connections fail at their next call already (node.fenced),
        // and taking its pool away closes connections, which need not delay the callers waiting for the new primary.
        for (Node n : newlyFenced) withdrawFenced(n);
        announce(prev, next, roundStart);
        for (Node n : nodes) pauseRefillOfUnused(n);
        // Last: the snapshot shows this round only once all of it is decided and its events are published.
        boolean[] fenced = new boolean[nodes.length];
        long fresh = nodes.length == 0 ? roundStart : nodes[0].seenSinceNanos;
        for (int i = 0; i < nodes.length; i++) {
            fenced[i] = nodes[i].fenced;
            if (nodes[i].seenSinceNanos - fresh < 0) fresh = nodes[i].seenSinceNanos;
        }
        shown = new Shown(filled, fenced, roundsStarted, fresh);
    }

    private void roleChanged(Node node, Observation old, Observation now) {
        String what = node.name() + " [" + node.endpoint.region() + "]: " + old.role() + " -> " + now.role()
                + (now.epoch() != null ? " (epoch " + now.epoch() + ")" : "")
                + (now.error() != null ? ": " + now.error() : "");
        if (now.role() == Role.DOWN) {
            LOG.warn("{}: endpoint {}", config.name(), what);
        } else {
            LOG.info("{}: endpoint {}", config.name(), what);
        }
        publish(new RouterEvent(RouterEvent.Type.ROLE_CHANGED, node.name(), null, null, what, null, Instant.now()));
        if (old.role() != Role.UNKNOWN && old.role() != Role.DOWN) {
            node.probe.renew(probeExecutor); // a new connection for the next probe: a DNS listener may point elsewhere now
        }
        boolean demoted = old.role() == Role.PRIMARY;
        boolean promoted = now.role() == Role.PRIMARY && old.role() != Role.UNKNOWN && config.evictOnPromotion();
        if (now.role() == Role.DOWN) {
            pauseRefill(node, "down"); // first: what the eviction removes is not refilled from a server that refuses
            withdrawals.softEvict(node, "it is unreachable" + (demoted ? " and so no longer primary" : "") + "; its pool is refilled when it answers again");
            withdrawals.abortOpen(node, false, "it is unreachable (" + now.error() + ")");
        } else {
            if (demoted || promoted) {
                withdrawals.softEvict(node, demoted ? "it is no longer primary (" + now.role() + ")" : "it became primary and evictOnPromotion is set");
            }
            if (demoted) withdrawals.abortOpen(node, true, "it is no longer primary (" + now.role() + ")");
        }
    }

    /**
     * An endpoint that is down or fenced gets nothing from the router, so its pool need not keep idle connections: its
     * refill is paused ({@link PoolAccess#pauseRefill}; why: a HikariCP pool whose server refuses connections backs off
     * into waits of seconds, which it sleeps out after the server is back), before its idle connections are evicted when
     * it goes down or is fenced. The round it is usable again, its refill resumes with new connections. Being fenced
     * counts too because a fenced stale primary is typically re-cloned as a standby next: a restart the probes may not
     * see, during which an active pool would back off.
     */
    private void pauseRefillOfUnused(Node node) {
        if (node.seen.role() == Role.DOWN || node.fenced) {
            pauseRefill(node, node.fenced ? "fenced" : "down");
        } else {
            int resumed = node.access.resumeRefill(true);
            if (resumed > 0) {
                LOG.info("{}: {} is usable again ({}); refilling its pool (minimumIdle {})", config.name(), node.name(), node.seen.role(), resumed);
            }
        }
    }

    private void pauseRefill(Node node, String state) {
        if (closed) return; // close() gives the pools their minimumIdle back
        int paused = node.access.pauseRefill();
        if (paused > 0) {
            LOG.info("{}: paused the refill of the pool of {} while it is {} (minimumIdle {} -> 0)", config.name(), node.name(), state, paused);
        }
    }

    /**
     * Decides the route ({@link RouteDecision}) from what was last seen, and acts on what changed: split-brain events
     * and the fenced flags. Endpoints fenced by this decision are added to {@code newlyFenced}, for
     * {@link #withdrawFenced} once the route is published.
     */
    private Route decide(List<Node> newlyFenced) {
        RouteDecision.Candidate[] in = new RouteDecision.Candidate[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            in[i] = new RouteDecision.Candidate(n.name(), n.endpoint.region(), n.endpoint.priority(), n.seen, Prober.suspect(n));
        }
        RouteDecision.Outcome out = RouteDecision.decide(in, own.maxEpoch, localRegion, config.maxReadLag(), config.epochFile());
        Node writer = out.writer() < 0 ? null : nodes[out.writer()];
        String split = out.splitBrain();
        if (split != null && !split.equals(own.splitBrain)) { // once per distinct situation, not every round
            Node newest = out.chosen() < 0 ? null : nodes[out.chosen()];
            LOG.warn("{}: {}", config.name(), split);
            publish(new RouterEvent(RouterEvent.Type.SPLIT_BRAIN, name(newest), null, name(newest), split, null, Instant.now()));
        }
        if (split == null && own.splitBrain != null) LOG.info("{}: split brain over: {}", config.name(), describeEndpoints());
        own.splitBrain = split;
        for (int i = 0; i < nodes.length; i++) {
            Node node = nodes[i];
            boolean f = out.fenced()[i];
            if (f && !node.fenced) {
                newlyFenced.add(node);
            } else if (!f && node.fenced) {
                LOG.info("{}: {} is no longer fenced ({})", config.name(), node.name(), node.seen.role());
            }
            node.fenced = f;
        }
        Node[] readers = new Node[out.readers().length];
        for (int i = 0; i < readers.length; i++) readers[i] = nodes[out.readers()[i]];
        return new Route(writer, out.refusal(), out.sqlState(), readers);
    }

    /** Reports a newly fenced endpoint, and takes its pool and the connections it handed out away. */
    private void withdrawFenced(Node node) {
        String why = node.name() + " claims " + node.seen.role() + " at epoch "
                + (node.seen.epoch() == null ? "unknown" : node.seen.epoch()) + " but is fenced: no reads or writes go to it";
        LOG.warn("{}: {}", config.name(), why);
        publish(new RouterEvent(RouterEvent.Type.ENDPOINT_FENCED, node.name(), null, null, why, null, Instant.now()));
        pauseRefill(node, "fenced"); // first: what the eviction removes is not refilled
        withdrawals.softEvict(node, "it is fenced");
        withdrawals.abortOpen(node, false, "it is fenced");
    }

    private void announce(Route prev, Route next, long roundStart) {
        Instant now = Instant.now();
        if (next.writer != null && next.writer != prev.writer) {
            Node from = own.lastWriter;
            long lostAt = writerLostAtNanos;
            Duration took = lostAt == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lostAt);
            writerLostAtNanos = 0;
            next.writer.suspectSinceNanos = 0;
            String cause;
            if (from == null) {
                cause = "writes go to " + next.writer.name() + " [" + next.writer.endpoint.region() + "]";
            } else if (from == next.writer) {
                cause = "writes go to " + from.name() + " again after " + took.toMillis() + " ms without a usable primary";
            } else {
                cause = "failover: writes go to " + next.writer.name() + " [" + next.writer.endpoint.region() + "] (epoch "
                        + next.writer.seen.epoch() + "), previously " + from.name() + "; the switch took " + took.toMillis() + " ms";
                failover = new Failover(from.name(), next.writer.name(), now, took);
            }
            LOG.info("{}: {}", config.name(), cause);
            own.lastWriter = next.writer;
            publish(new RouterEvent(RouterEvent.Type.WRITE_ROUTE_CHANGED, next.writer.name(), name(from), next.writer.name(),
                    cause, took, now));
        } else if (next.writer == null && (prev.writer != null || !Objects.equals(prev.refusal, next.refusal))) {
            if (writerLostAtNanos == 0) writerLostAtNanos = roundStart;
            String cause = "no writable primary: " + next.refusal + ". Endpoints: " + describeEndpoints();
            LOG.warn("{}: {}", config.name(), cause);
            publish(new RouterEvent(RouterEvent.Type.NO_PRIMARY, null, name(own.lastWriter), null, cause, null, now));
        }
    }

    // ---------------------------------------------------------------- events, snapshot, close

    void addListener(Consumer<RouterEvent> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<RouterEvent> listener) {
        listeners.remove(listener);
    }

    /** Queues {@code event} for the listeners, who get it on the router's event thread; never blocks. */
    private void publish(RouterEvent event) {
        listeners.publish(event);
    }

    /**
     * The last applied probe round as a whole (see {@link Shown}), with the route as it is now: a connection error
     * withdraws the write route between rounds, and the snapshot says so at once.
     */
    RouterSnapshot snapshot() {
        Shown s = shown;
        Route r = route;
        Failover f = failover;
        List<RouterSnapshot.EndpointView> views = new ArrayList<>(nodes.length);
        for (int i = 0; i < nodes.length; i++) views.add(view(nodes[i], s.seen()[i], s.fenced()[i]));
        List<String> readers = Arrays.stream(r.readers).map(Node::name).collect(Collectors.toUnmodifiableList());
        return new RouterSnapshot(List.copyOf(views), name(r.writer), r.writer == null ? r.refusal : null, readers,
                f == null ? null : f.from(), f == null ? null : f.to(), f == null ? null : f.at(),
                f == null ? null : f.took(), s.round(), Instant.now());
    }

    private static RouterSnapshot.EndpointView view(Node n) {
        return view(n, n.seen, n.fenced);
    }

    private static RouterSnapshot.EndpointView view(Node n, Observation o, boolean fenced) {
        return new RouterSnapshot.EndpointView(n.name(), n.endpoint.region(), n.endpoint.priority(), o.role(), o.epoch(),
                o.lag(), o.server(), fenced, n.breaker.getState().name(), o.at(), o.took(), o.error());
    }

    String describeEndpoints() {
        return Arrays.stream(nodes).map(n -> view(n).describe()).collect(Collectors.joining("; "));
    }

    Dialect dialect() {
        return prober.dialect();
    }

    String writerName() {
        return name(route.writer);
    }

    /** The failure at the deadline: "pool exhausted" when that is what kept the caller waiting, else "no writable primary". */
    private SQLException gaveUp(Route r, SQLException last, long waitedNanos) {
        Node w = r.writer;
        if (w != null && last != null && PoolAccess.isPoolExhausted(last)) return poolExhausted(w, last, waitedNanos);
        if (w != null && last != null) {
            return new SQLException(config.name() + ": could not get a connection to " + w.name() + " within failoverTimeout "
                    + config.failoverTimeout().toMillis() + " ms (waited " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms): "
                    + PoolSupport.safeMessage(last) + (last.getCause() != null ? " (the pool's last failure to open one: "
                    + PoolSupport.safeMessage(last.getCause()) + ")" : "") + ". Endpoints: " + describeEndpoints(),
                    last.getSQLState(), last.getErrorCode(),
                    PoolSupport.masked(last));
        }
        return noWriter(r, last, waitedNanos);
    }

    private SQLException poolExhausted(Node w, SQLException last, long waitedNanos) {
        String counts = w.access.counts();
        String msg = config.name() + ": pool exhausted: no free connection in the pool of " + w.name() + " [" + w.endpoint.region()
                + "] after waiting " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms, up to the deadline of failoverTimeout "
                + config.failoverTimeout().toMillis() + " ms" + (counts != null ? " (pool: " + counts + ")" : "")
                + ". The endpoint is not down and its role is unchanged: writes still go to " + w.name()
                + ". Return connections sooner, or give the pool more (HikariCP: maximumPoolSize). Endpoints: " + describeEndpoints()
                + ". The pool said: " + PoolSupport.safeMessage(last);
        return new PoolExhaustedException(msg, PoolSupport.masked(last));
    }

    private SQLException noWriter(Route r, SQLException last, long waitedNanos) {
        String msg = config.name() + ": no writable primary after waiting " + TimeUnit.NANOSECONDS.toMillis(waitedNanos)
                + " ms (failoverTimeout " + config.failoverTimeout().toMillis() + " ms): " + r.refusal
                + ". Endpoints: " + describeEndpoints()
                + (last != null ? ". Last connection error: " + PoolSupport.safeMessage(last) : "");
        return refusal(msg, r.sqlState, PoolSupport.masked(last));
    }

    /** The exception type of a route's refusal: split brain, else no writable primary. */
    static SQLException refusal(String message, String sqlState, Throwable cause) {
        return SQLSTATE_SPLIT_BRAIN.equals(sqlState) ? new SplitBrainException(message, cause) : new NoWritablePrimaryException(message, cause);
    }

    SQLException fencedException(Node n) {
        return new SplitBrainException(config.name() + ": " + n.name() + " is fenced (it claims primary but is stale, or the newer primary"
                + " cannot be decided); this connection was evicted so that nothing more reaches it. Get a new connection."
                + " Endpoints: " + describeEndpoints(), null);
    }

    private SQLException closedException() {
        return new DataSourceClosedException(config.name() + " is closed; no connections are handed out. Endpoints: " + describeEndpoints());
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        scheduler.shutdownNow();
        prober.close(); // the probes' own connections, also one a hung probe holds
        probeExecutor.shutdownNow();
        listeners.close();
        synchronized (monitor) {
            monitor.notifyAll();
        }
        for (Node n : nodes) { // this router's instances only: a registry may hold a newer router's of the same name
            breakers.find(n.breaker.getName()).filter(b -> b == n.breaker).ifPresent(b -> breakers.remove(b.getName()));
            retries.find(n.retry.getName()).filter(r -> r == n.retry).ifPresent(r -> retries.remove(r.getName()));
        }
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS); // a round still finishing could pause a pool after the next line
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Node n : nodes) n.access.resumeRefill(false); // the application's pools keep the minimumIdle it gave them
        if (config.closeDataSourcesOnClose()) {
            for (Node n : nodes) {
                if (n.endpoint.dataSource() instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.warn("{}: closing the DataSource of {} failed: {}", config.name(), n.name(), Secrets.mask(e.toString()));
                    }
                }
            }
        }
        LOG.info("{}: closed", config.name());
    }

    /** Writes the newest epoch to the epoch file, if one is configured, durably (see {@link EpochFile}). */
    private void keepEpoch() {
        Path file = config.epochFile();
        if (file == null) return;
        try {
            EpochFile.write(file, own.maxEpoch);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not keep the newest epoch {} in {} ({}); a restarted router will not remember it", config.name(), own.maxEpoch, file, Secrets.mask(e.toString()));
        }
    }

    private static final AtomicReferenceFieldUpdater<Router, Route> ROUTE = AtomicReferenceFieldUpdater.newUpdater(Router.class, Route.class, "route");

    int trackedConnections() {
        int[] n = {0};
        for (Node node : nodes) node.open.forEach(c -> n[0]++);
        return n[0];
    }

    String name() {
        return config.name();
    }

    private static String name(Node n) {
        return n == null ? null : n.name();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
