package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probe rounds: asks every endpoint for its role, epoch and lag, each on its own thread of the probe executor and on
 * the probe's own connection ({@link ProbeConnection}), and collects one {@link Observation} per endpoint for the
 * router to decide on. Runs on the router's probe-round thread, one round at a time; the per-endpoint state of the
 * probes in flight is in each endpoint's {@link Slot}, which only that thread touches (except {@link Slot#held}, which
 * {@link Router#close()} aborts).
 *
 * <p>Probes are never cancelled and may outlive the round that started them; a round waits for an endpoint's probe up
 * to probeTimeout only when the endpoint was last seen up and is not suspect. For one last seen down, or suspect
 * after a connection error, it waits only briefly, and for one whose probe is still running from an earlier round not
 * at all: such an endpoint cannot hold the round (and so the route) up, and until its probe answers or times out what
 * was last seen of it stands (so a suspect writer stays withdrawn, and a stale claim still counts for fencing). A
 * decisive answer, a primary whose epoch is newer than any epoch ever seen, ends the round at once: whatever the others
 * answer, only that primary may take writes. While a slow endpoint holds the round up, the endpoints that answered are
 * asked again every 25 ms, so that a promotion elsewhere is seen at once.
 */
final class Prober {
    private static final Logger LOG = LoggerFactory.getLogger(RegionAwareDataSource.class);

    /** How long a round waits for an endpoint last seen down or suspect (its probe goes on; it is not cancelled). */
    private static final long BRIEF_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** After this long waiting for a slow endpoint, a round re-asks the endpoints that did answer... */
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** ...at most this often, so that a promotion elsewhere is seen while the slow one still holds the round up. */
    private static final long REPROBE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    /** The probe-round thread's own state of one endpoint's probing. */
    static final class Slot {
        Future<Dialect.Status> inflight; // the probe in flight; it may outlive the round that started it
        boolean wakes; // whether it asks for a round when it answers late (see submit)
        long startNanos; // when it started
        volatile AtomicReference<Connection> held; // the connection it holds, to abort on timeout (and on close)
        boolean timeoutRecorded; // whether its timeout was already recorded
        long confirmedNanos; // when the last probe that succeeded started (a suspicion is cleared only by a later one)
        boolean hung; // whether the last probe that ended ran past probeTimeout (see mayProbe)
    }

    /** What the prober asks of its router. */
    interface Host {
        boolean closed();

        /** How many probe rounds have completed. */
        long roundsCompleted();

        void requestProbe();

        /** Whether the route has a writer now. */
        boolean hasWriter();

        Dialect.ErrorKind classify(SQLException e);

        /** The probe's kept connection to {@code node} was dead but a new one works. */
        void pathWasReset(Router.Node node);
    }

    /** One round's answers: per endpoint its observation (null: still being probed) and when the probe that gave it started. */
    record Round(Observation[] results, long[] since, long start) {
    }

    private final String routerName;
    private final Router.Node[] nodes;
    private final long timeoutNanos;
    private final int timeoutMillis;
    private final ExecutorService executor;
    private final Host host;
    private volatile Dialect dialect; // null until detected from the first endpoint that answers, when not configured

    Prober(String routerName, Router.Node[] nodes, Duration probeTimeout, Dialect dialect, ExecutorService executor, Host host) {
        this.routerName = routerName;
        this.nodes = nodes;
        this.timeoutNanos = probeTimeout.toNanos();
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, probeTimeout.toMillis());
        this.dialect = dialect;
        this.executor = executor;
        this.host = host;
    }

    Dialect dialect() {
        return dialect;
    }

    /**
     * Whether {@code node} may be probed now: when its circuit breaker lets a call through, and while there is no
     * writer also when it does not, unless the endpoint's last probe hung. Callers are waiting for a writer then, and an
     * endpoint whose breaker opened because it refused or failed at once while it restarted (a standby just
     * re-attached, an old primary coming back) may be the one being promoted: its answer must not wait for the
     * breaker's waitDurationInOpenState. One whose probe hung (a black hole) is asked only as the breaker allows: each
     * such probe holds a thread and a connection attempt that may not end. A probe that succeeds closes an open
     * breaker ({@link #collect}).
     */
    private boolean mayProbe(Router.Node node) {
        return node.breaker.tryAcquirePermission() || (!host.hasWriter() && !node.probing.hung);
    }

    /** Suspect: a connection error withdrew it, and no probe that started after that has succeeded yet. */
    static boolean suspect(Router.Node node) {
        long since = node.suspectSinceNanos;
        return since != 0 && node.probing.confirmedNanos - since < 0;
    }

    /** Whether a round should wait for {@code node}'s probe up to probeTimeout: last seen up, and not suspect. */
    private static boolean trusted(Router.Node node) {
        return node.seen.role() != Role.DOWN && !suspect(node);
    }

    /**
     * Whether a suspect's probe finished after its round stopped looking: it saw its round still running, so it asked
     * for nothing (a probe's done() runs after isDone() turns true); the router asks for a round then.
     */
    boolean lateAnswerWaiting() {
        for (Router.Node node : nodes) {
            Slot s = node.probing;
            if (s.inflight != null && s.wakes && s.inflight.isDone()) return true;
        }
        return false;
    }

    /**
     * Probe round number {@code round} (see the class comment); null when the router is closing. {@code newestBefore}:
     * the newest epoch seen before it ({@link Long#MIN_VALUE} when none); {@code freshWanted}: when the latest
     * probeNow() was called (an answer from a probe that started before it is asked again).
     */
    Round run(long round, long newestBefore, long freshWanted) {
        if (host.closed()) return null;
        long start = System.nanoTime();
        long brief = Math.min(timeoutNanos, BRIEF_WAIT_NANOS);
        int n = nodes.length;
        Observation[] results = new Observation[n];
        long[] since = new long[n];
        boolean[] waitFully = new boolean[n];
        boolean[] carried = new boolean[n]; // still running from an earlier round: not waited for at all
        for (int i = 0; i < n; i++) {
            Router.Node node = nodes[i];
            Slot s = node.probing;
            if (s.inflight != null) { // from an earlier round
                if (s.inflight.isDone()) {
                    since[i] = s.startNanos;
                    results[i] = collect(node);
                    // A late answer that started before a probeNow() is used, but asked again, so that this round
                    // can answer the probeNow() with news that started after it. Likewise one that started before a
                    // connection error made the endpoint suspect: it cannot clear the suspicion, so without a new
                    // probe the endpoint would stay withdrawn until the next periodic probe.
                    if ((since[i] - freshWanted < 0 || suspect(node)) && mayProbe(node)) {
                        waitFully[i] = trusted(node);
                        if (!submit(node, start, round)) return null;
                    }
                } else if (start - s.startNanos >= timeoutNanos) {
                    results[i] = timedOut(node);
                    since[i] = start;
                } else {
                    carried[i] = true;
                }
                continue;
            }
            if (!mayProbe(node)) {
                String last = node.lastFailure;
                results[i] = node.seen.down("circuit breaker open after repeated failures, not probed"
                        + (last == null ? "" : " (last failure: " + last + ")"), null);
                since[i] = start;
                continue;
            }
            waitFully[i] = trusted(node);
            if (!submit(node, start, round)) return null;
        }
        boolean decided = false; // a decisive answer came: nobody is waited for longer than briefly
        while (true) {
            long now = System.nanoTime();
            boolean waiting = false;
            long wakeAt = now + timeoutNanos;
            for (int i = 0; i < n; i++) {
                Router.Node node = nodes[i];
                Slot s = node.probing;
                Future<Dialect.Status> f = s.inflight;
                if (f == null) continue;
                if (f.isDone()) {
                    since[i] = s.startNanos;
                    Observation o = collect(node); // a re-probe's answer replaces the earlier one of this round
                    results[i] = o;
                    if (o.role() == Role.PRIMARY && o.epoch() != null && newestBefore != Long.MIN_VALUE && o.epoch() > newestBefore) {
                        decided = true;
                    }
                    continue;
                }
                if (results[i] != null) continue; // a re-probe, or a probe already recorded as timed out
                long deadline = s.startNanos + timeoutNanos;
                if (now - deadline >= 0) {
                    results[i] = timedOut(node);
                    since[i] = now;
                    continue;
                }
                if (carried[i]) continue; // it had a whole round already; collected when it answers
                long until = waitFully[i] ? deadline : Math.min(deadline, start + brief);
                if (now - until < 0) {
                    waiting = true;
                    if (until - wakeAt < 0) wakeAt = until;
                }
            }
            if (decided || !waiting || host.closed()) break;
            if (now - start >= SLOW_NANOS) {
                for (int i = 0; i < n; i++) {
                    Router.Node node = nodes[i];
                    Observation o = results[i];
                    if (o != null && node.probing.inflight == null && o.role() != Role.DOWN
                            && now - node.probing.startNanos >= REPROBE_GAP_NANOS && mayProbe(node)) {
                        if (!submit(node, now, round)) return null;
                    }
                }
                if (now + REPROBE_GAP_NANOS - wakeAt < 0) wakeAt = now + REPROBE_GAP_NANOS;
            } else if (start + SLOW_NANOS - wakeAt < 0) {
                wakeAt = start + SLOW_NANOS;
            }
            LockSupport.parkNanos(this, Math.max(1, wakeAt - now)); // a probe that completes unparks this thread
            if (Thread.interrupted()) return null; // closing
        }
        return new Round(results, since, start);
    }

    /**
     * Starts a probe of {@code node}; false when the router is closing. The probe of an endpoint that is suspect
     * after a connection error, if it answers after its round has ended (a round waits only briefly for it), asks
     * for a round at once, so that its answer is used now rather than at the next periodic probe (see also
     * {@link #lateAnswerWaiting}). Other late answers wait for the next round, so that a slow endpoint does not
     * turn the probe interval into continuous probing.
     */
    private boolean submit(Router.Node node, long now, long round) {
        AtomicReference<Connection> ref = new AtomicReference<>();
        Thread waiter = Thread.currentThread();
        boolean wake = suspect(node);
        FutureTask<Dialect.Status> task = new FutureTask<>(() -> probeOne(node, ref)) {
            @Override
            protected void done() {
                LockSupport.unpark(waiter);
                if (wake && host.roundsCompleted() >= round) host.requestProbe();
            }
        };
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            return false;
        }
        Slot s = node.probing;
        s.inflight = task;
        s.wakes = wake;
        s.startNanos = now;
        s.held = ref;
        s.timeoutRecorded = false;
        return true;
    }

    /** The observation from {@code node}'s finished probe. */
    private Observation collect(Router.Node node) {
        Slot s = node.probing;
        Future<Dialect.Status> f = s.inflight;
        long started = s.startNanos;
        boolean recorded = s.timeoutRecorded;
        s.inflight = null;
        long took = System.nanoTime() - started;
        try {
            Dialect.Status st = f.get();
            node.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            if (node.breaker.getState() == CircuitBreaker.State.OPEN) { // probed without its permission: no writer (mayProbe)
                node.breaker.transitionToClosedState();
                LOG.info("{}: {} answered a probe; its circuit breaker is closed again", routerName, node.name());
            }
            s.confirmedNanos = started;
            s.hung = false;
            return new Observation(st.role(), st.epoch(), st.lag(), st.server(), Instant.now(), Duration.ofNanos(took), null, st.partnerLag(), false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (PoolAccess.isPoolExhausted(cause)) { // the probe shares a busy pool: that says nothing about the server
                Observation last = node.seen;
                String why = "not probed: " + PoolSupport.safeMessage(cause) + " (pool exhausted; the role last seen stands)";
                LOG.debug("{}: {}: {}", routerName, node.name(), why);
                return new Observation(last.role(), last.epoch(), last.lag(), last.server(), Instant.now(), Duration.ofNanos(took),
                        why, last.partnerLag(), last.lagFromPrimary());
            }
            if (!recorded) node.breaker.onError(took, TimeUnit.NANOSECONDS, cause);
            s.hung = recorded;
            Observation o = node.seen.down(PoolSupport.safeMessage(cause), Duration.ofNanos(took));
            node.lastFailure = o.error();
            return o;
        } catch (InterruptedException | CancellationException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return node.seen.down("probe interrupted", Duration.ofNanos(took));
        }
    }

    /**
     * {@code node}'s probe has run longer than probeTimeout: the endpoint counts as down. The probe is not
     * cancelled (interrupting a pool's getConnection helps nobody, and a new probe would only wait again); the
     * connection it holds is aborted so that it returns soon. No new probe of the endpoint starts until it returns.
     */
    private Observation timedOut(Router.Node node) {
        Slot s = node.probing;
        long took = System.nanoTime() - s.startNanos;
        if (s.timeoutRecorded) {
            return node.seen.down("the previous probe has not returned yet (it hung longer than probeTimeout)", null);
        }
        s.timeoutRecorded = true;
        s.hung = true;
        Connection c = s.held.getAndSet(null);
        if (c != null) {
            abort(node, c);
            PoolSupport.evict(node.probe.source(), c); // if it is a pool's connection, the pool drops it (HikariCP ignores others)
        }
        SQLException timeout = new SQLException("probe timed out after " + timeoutMillis + " ms", "08006");
        node.breaker.onError(took, TimeUnit.NANOSECONDS, timeout);
        Observation o = node.seen.down(PoolSupport.safeMessage(timeout), Duration.ofNanos(took));
        node.lastFailure = o.error();
        return o;
    }

    /**
     * Probes one endpoint on its own connection ({@link ProbeConnection}). A kept connection may be dead although the
     * server is fine (its socket was reset): then it is dropped and the probe tries once more with a new one, within
     * the same time bound.
     */
    private Dialect.Status probeOne(Router.Node node, AtomicReference<Connection> held) throws SQLException {
        ProbeConnection.Taken t = node.probe.take(executor);
        for (int attempt = 1; ; attempt++) {
            Connection c = t.connection();
            held.set(c); // the round aborts it if the probe outlives its timeout
            boolean ok = false;
            try {
                Dialect.Status s = probeWith(node, c);
                ok = true;
                if (attempt > 1 && !host.closed()) host.pathWasReset(node);
                return s;
            } catch (SQLException e) {
                if (attempt > 1 || host.classify(e) != Dialect.ErrorKind.CONNECTION_LOST || !held.compareAndSet(c, null)) throw e;
                discard(node, t);
                LOG.debug("{}: probe of {} failed on a kept connection ({}); retrying with a new one", routerName,
                        node.name(), PoolSupport.safeMessage(e));
                t = node.probe.open();
            } finally {
                if (held.compareAndSet(c, null)) {
                    if (ok) {
                        node.probe.keep(t, executor);
                    } else {
                        discard(node, t);
                    }
                }
            }
        }
    }

    /** Drops a probe connection that failed: evicted from its pool if it is a pool's, else aborted. */
    private void discard(Router.Node node, ProbeConnection.Taken t) {
        if (node.probe.pooled(t)) {
            PoolSupport.evict(node.probe.source(), t.connection());
        } else {
            abort(node, t.connection());
        }
    }

    /**
     * The router is closing: drops every endpoint's kept probe connection and aborts one a probe still holds (a hung
     * probe's), on the calling thread, since the executors are shutting down.
     */
    void close() {
        for (Router.Node node : nodes) {
            node.probe.renew(Runnable::run);
            AtomicReference<Connection> h = node.probing.held;
            Connection c = h == null ? null : h.getAndSet(null);
            if (c != null) abort(node, c, Runnable::run);
        }
    }

    private void abort(Router.Node node, Connection c) {
        abort(node, c, executor);
    }

    private void abort(Router.Node node, Connection c, Executor on) {
        try {
            c.abort(on);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("{}: aborting the probe connection of {} failed: {}", routerName, node.name(), PoolSupport.safeMessage(e));
        }
    }

    private Dialect.Status probeWith(Router.Node node, Connection c) throws SQLException {
        try {
            c.setNetworkTimeout(executor, timeoutMillis);
        } catch (SQLFeatureNotSupportedException | AbstractMethodError ignored) {
            // The outer Future timeout still bounds the probe.
        }
        Dialect d = dialect;
        if (d == null) {
            d = Dialect.detect(c.getMetaData());
            dialect = d;
            LOG.info("{}: detected dialect {} from {}", routerName, d.name(), node.name());
        }
        return d.probe(c, Math.max(1, (timeoutMillis + 999) / 1000));
    }
}
