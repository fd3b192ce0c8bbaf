package io.hadr4j.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.hadr4j.core.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the checks, evaluates them in the background and keeps their last results.
 *
 * <ul>
 *   <li>Every {@linkplain HealthRegistryConfig#interval() interval} each check is run on its own thread (a
 *       cached pool of daemon threads), never twice at once: while an evaluation is still running, later rounds
 *       skip that check.</li>
 *   <li>An evaluation that exceeds the {@linkplain HealthRegistryConfig#timeout() timeout} makes the check DOWN
 *       with {@code timedOut=true} in its data, without waiting for it; the hung thread is interrupted and left
 *       to finish on its own, and its late result is recorded when it comes.</li>
 *   <li>Whenever a result changes, the JSON for every group and detail level is rendered once, so that a probe
 *       is a read of a volatile field and a byte copy. A probe never waits on a check.</li>
 *   <li>Before the first evaluation of a check completes it counts as DOWN for readiness and startup and as UP
 *       for liveness.</li>
 *   <li>{@link #drain()} makes readiness DOWN at once (a {@code drain} entry appears) while liveness stays UP.</li>
 *   <li>A check's {@link HealthCheck#name() name} and {@link HealthCheck#groups() groups} are read once, by
 *       {@link #register}; afterwards only {@link HealthCheck#check()} is called. Nothing a check throws (any
 *       {@link Throwable}, from any method) stops the rounds or freezes what is served: the check is DOWN with the
 *       masked reason in {@code error}, and is evaluated again in the next round.</li>
 * </ul>
 */
public final class HealthRegistry implements AutoCloseable {

    /** The name of the entry that {@link #drain()} adds to readiness. */
    public static final String DRAIN_CHECK = "drain";

    private static final Logger LOG = LoggerFactory.getLogger(HealthRegistry.class);
    private static final AtomicInteger REGISTRIES = new AtomicInteger();

    /** Views: index 0 is every check, then one per group in ordinal order. */
    private static final int VIEWS = 1 + HealthGroup.values().length;

    private final HealthRegistryConfig config;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService workers;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object renderLock = new Object();
    private volatile boolean draining;
    private volatile boolean firstRoundSubmitted;
    /** What probes and {@link #report()} see; replaced as a whole, never modified, so the two always agree. */
    private volatile Published published;

    /** reports[view], rendered[view * 2 + (details ? 1 : 0)], view 0 = every check, 1 + ordinal = a group. */
    private record Published(HealthReport[] reports, HealthJson.Rendered[] rendered) {
    }

    private HealthRegistry(HealthRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int id = REGISTRIES.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("hadr4j-health-" + id + "-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("hadr4j-health-" + id + "-check"));
        render();
    }

    public static HealthRegistry of(HealthRegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("HealthRegistry.of(null): pass HealthRegistryConfig.ofDefaults() or "
                    + "HealthRegistryConfig.custom()...build()");
        }
        return new HealthRegistry(config);
    }

    /** {@code what} of {@code check}, at registration; a throw is bad input, named. */
    private static <T> T ask(HealthCheck check, String what, String name, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException("health check " + (name == null ? "of " + check.getClass().getName() : "'" + Secrets.mask(name) + "'")
                    + ": " + what + " threw " + Secrets.safeMessage(e) + "; a check's " + what
                    + " must answer at registration, and its answer is kept", e);
        }
    }

    public static HealthRegistry ofDefaults() {
        return new HealthRegistry(HealthRegistryConfig.ofDefaults());
    }

    public HealthRegistryConfig config() {
        return config;
    }

    /**
     * Adds a check; it is pending until its first evaluation (at the next round, or at once if started). Its name
     * and groups are read here, once, and kept.
     *
     * @throws IllegalArgumentException if the check is null, its name is blank or taken, or its groups are empty or
     *                                  cannot be read; the message says what to change
     */
    public synchronized HealthRegistry register(HealthCheck check) {
        if (check == null) {
            throw new IllegalArgumentException("register(null): pass a HealthCheck, for example HealthCheck.of(\"database\", "
                    + "HealthGroup.READINESS, () -> HealthResult.up())");
        }
        String name = HealthChecks.requireName(ask(check, "name()", null, check::name));
        Set<HealthGroup> groups = HealthChecks.requireGroups(ask(check, "groups()", name, check::groups));
        if (DRAIN_CHECK.equals(name) || slots.stream().anyMatch(s -> s.name.equals(name))) {
            throw new IllegalArgumentException("a health check named '" + Secrets.mask(name) + "' is already registered"
                    + (DRAIN_CHECK.equals(name) ? " (the name is reserved for draining)" : "")
                    + ": give each check a unique name");
        }
        Slot slot = new Slot(check, name, groups);
        slots.add(slot);
        if (check instanceof StartupHealthCheck) {
            ((StartupHealthCheck) check).onChange(() -> submit(() -> evaluate(slot, true)));
        }
        render();
        if (started.get()) {
            submit(() -> evaluate(slot, true));
        }
        return this;
    }

    /** Starts the background evaluation: a first round now, then one every interval. Idempotent. */
    public HealthRegistry start() {
        if (started.compareAndSet(false, true)) {
            long interval = config.interval().toNanos();
            scheduler.scheduleAtFixedRate(() -> round(false), 0, interval, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /** Runs a round now, in the background; a check still running is run again as soon as it completes. */
    public void refresh() {
        submit(() -> round(true));
    }

    /** Readiness turns DOWN at once and stays DOWN; liveness is unaffected. For scale-in and rolling restarts. */
    public void drain() {
        if (!draining) {
            draining = true;
            LOG.info("Draining: readiness is DOWN from now on so that load balancers stop sending traffic");
            render();
        }
    }

    public boolean isDraining() {
        return draining;
    }

    /** {@link #drain()}, then waits {@link HealthRegistryConfig#drainDelay()} so load balancers notice. */
    public void drainAndAwait() throws InterruptedException {
        drain();
        Thread.sleep(config.drainDelay().toMillis());
    }

    /**
     * Registers a JVM shutdown hook that drains, waits the drain delay, then runs {@code afterDrain} (typically
     * the container's stop, e.g. Jetty's {@code server::stop} with {@code setStopAtShutdown(false)}, because JVM
     * shutdown hooks run concurrently and the container's own hook would not wait). Returns the hook, so that it
     * can be removed with {@link Runtime#removeShutdownHook(Thread)}.
     */
    public Thread installShutdownHook(Runnable afterDrain) {
        Objects.requireNonNull(afterDrain, "afterDrain: pass () -> { } when there is nothing to stop");
        Thread hook = new Thread(() -> {
            try {
                drainAndAwait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            afterDrain.run();
        }, "hadr4j-health-drain");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Every check's last result and the aggregate status: what the servlet serves now. */
    public HealthReport report() {
        return report(null);
    }

    /** The last results of one group and its aggregate status ({@code null}: every check): what the servlet serves now. */
    public HealthReport report(HealthGroup group) {
        return published.reports()[view(group)];
    }

    private static int view(HealthGroup group) {
        return group == null ? 0 : 1 + group.ordinal();
    }

    private HealthReport compute(HealthGroup group) {
        List<HealthReport.Entry> entries = new ArrayList<>();
        boolean up = group == HealthGroup.LIVENESS || firstRoundSubmitted;
        for (Slot slot : slots) {
            if (group != null && !slot.groups.contains(group)) {
                continue;
            }
            Observation last = slot.last;
            HealthReport.Entry entry;
            if (last == null) {
                boolean pendingUp = group == HealthGroup.LIVENESS
                        || group == null && slot.groups.equals(Set.of(HealthGroup.LIVENESS));
                entry = new HealthReport.Entry(slot.name, HealthStatus.of(pendingUp),
                        Map.of("pending", true), null, null);
            } else {
                entry = new HealthReport.Entry(slot.name, last.result.status(), last.result.data(),
                        last.takenAt, last.duration);
            }
            up &= entry.status() == HealthStatus.UP;
            entries.add(entry);
        }
        if (draining && (group == null || group == HealthGroup.READINESS)) {
            entries.add(new HealthReport.Entry(DRAIN_CHECK, HealthStatus.DOWN, Map.of("draining", true),
                    Instant.now(), Duration.ZERO));
            up = false;
        }
        return new HealthReport(HealthStatus.of(up), entries);
    }

    /** Stops evaluating; running checks are interrupted. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    /** The pre-rendered response for a group ({@code null}: every check). The servlet's hot path. */
    HealthJson.Rendered rendered(HealthGroup group, boolean details) {
        return published.rendered()[view(group) * 2 + (details ? 1 : 0)];
    }

    // ---- evaluation (scheduler thread, check threads) ----

    /**
     * A scheduled (or requested) round. It never throws: an exception escaping a {@code scheduleAtFixedRate} task
     * would cancel every later round without a word.
     */
    private void round(boolean requested) {
        for (Slot slot : slots) {
            try {
                evaluate(slot, requested);
            } catch (Throwable e) {
                LOG.warn("Health check '{}' could not be started in this round ({}); the next round tries again",
                        slot.name, Secrets.safeMessage(e));
            }
        }
        if (!firstRoundSubmitted) {
            firstRoundSubmitted = true;
            try {
                render();
            } catch (Throwable e) {
                LOG.warn("Health results could not be rendered ({}); the next change renders them again", Secrets.safeMessage(e));
            }
        }
    }

    /**
     * Runs on the scheduler thread only. A {@code requested} evaluation (refresh, markStarted) of a check that
     * is still running is not dropped: the check runs again when the current evaluation completes.
     */
    private void evaluate(Slot slot, boolean requested) {
        if (requested) {
            slot.again = true; // before the CAS: a run that completes after a failed CAS sees it
        }
        if (!slot.running.compareAndSet(false, true)) {
            LOG.debug("Health check '{}' is still running; not starting another evaluation", slot.name);
            return;
        }
        slot.again = false;
        long generation = ++slot.generation;
        long startNanos = System.nanoTime();
        try {
            workers.execute(() -> run(slot, generation, startNanos));
        } catch (RejectedExecutionException e) {
            slot.running.set(false);
            return;
        }
        scheduler.schedule(() -> timeout(slot, generation, startNanos), config.timeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void run(Slot slot, long generation, long startNanos) {
        synchronized (slot) {
            slot.runner = Thread.currentThread();
        }
        HealthResult result;
        try {
            result = slot.check.check();
            if (result == null) {
                result = HealthResult.down().withData("error", "the check returned null");
            }
        } catch (Throwable e) { // any Throwable: one escaping here would leave the slot "running" for ever
            // the message, masked, not the stack trace: a driver's message can quote a connection string
            LOG.debug("Health check '{}' failed: {}", slot.name, Secrets.mask(HealthResult.describe(e)));
            result = HealthResult.down(e);
        } finally {
            synchronized (slot) {
                slot.runner = null;
                Thread.interrupted(); // a timeout's interrupt must not leak into the pool
            }
        }
        try {
            synchronized (slot) {
                slot.completedGeneration = generation;
                store(slot, result, Duration.ofNanos(System.nanoTime() - startNanos));
            }
        } finally {
            slot.running.set(false);
        }
        if (slot.again) {
            submit(() -> evaluate(slot, false));
        }
    }

    private void timeout(Slot slot, long generation, long startNanos) {
        synchronized (slot) {
            if (slot.completedGeneration >= generation) {
                return;
            }
            if (slot.runner != null) {
                slot.runner.interrupt();
            }
            LOG.warn("Health check '{}' timed out after {} ms; it is DOWN until an evaluation completes in time",
                    slot.name, config.timeout().toMillis());
            store(slot, HealthResult.down().withData("timedOut", true)
                            .withData("error", "timed out after " + config.timeout().toMillis() + " ms"),
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    /** Called with the slot's lock held. */
    private void store(Slot slot, HealthResult result, Duration took) {
        Observation previous = slot.last;
        slot.last = new Observation(result, Instant.now(), took);
        if (previous == null || !previous.result.equals(result)) {
            if (previous == null || previous.result.status() != result.status()) {
                LOG.info("Health check '{}' is {} {}", slot.name, result.status(), result.data());
            }
            render();
        }
    }

    private void render() {
        synchronized (renderLock) {
            HealthReport[] reports = new HealthReport[VIEWS];
            HealthJson.Rendered[] next = new HealthJson.Rendered[VIEWS * 2];
            for (int view = 0; view < VIEWS; view++) {
                HealthReport report = compute(view == 0 ? null : HealthGroup.values()[view - 1]);
                reports[view] = report;
                next[view * 2] = HealthJson.render(report, false);
                next[view * 2 + 1] = HealthJson.render(report, true);
            }
            published = new Published(reports, next);
        }
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Health registry is closed; ignoring a refresh");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Observation(HealthResult result, Instant takenAt, Duration duration) {
    }

    private static final class Slot {
        final HealthCheck check;
        /** What the check answered at registration; never asked again. */
        final String name;
        final Set<HealthGroup> groups;
        final AtomicBoolean running = new AtomicBoolean();
        /** Written by the scheduler thread only. */
        long generation;
        /** Guarded by this. */
        long completedGeneration;
        /** An evaluation was requested while one was running: run again when it completes. */
        volatile boolean again;
        /** Guarded by this. */
        Thread runner;
        volatile Observation last;

        Slot(HealthCheck check, String name, Set<HealthGroup> groups) {
            this.check = check;
            this.name = name;
            this.groups = groups;
        }
    }
}
