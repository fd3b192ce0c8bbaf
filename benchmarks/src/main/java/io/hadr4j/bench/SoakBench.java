package io.hadr4j.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hadr4j.bench.SoakFigures.Change;
import io.hadr4j.bench.SoakFigures.Primary;
import io.hadr4j.bench.SoakFigures.Suspect;
import io.hadr4j.bench.SoakFigures.Totals;
import io.hadr4j.bench.SoakOptions.Kind;
import io.hadr4j.core.datasource.BenchAccess;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.datasource.RouterEvent;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak benchmark ({@code bench/run soak}): many role changes in a row on one testkit database with synchronous
 * replication, through ONE {@link RegionAwareDataSource} over one pair of HikariCP pools, while writers and readers
 * run all the time. The kinds alternate: planned switchover, kill -9 + forced failover, demote in place + failover,
 * blackholed primary + failover; after each the old primary is re-attached as a standby (a switchover does that
 * itself), and the next change starts only once the primary reports that standby streaming and synchronous in
 * {@code pg_stat_replication}, so that no acknowledged write may be lost.
 *
 * <p>Per change: recovery, from the moment a watcher on a direct connection sees the new primary writable to the
 * first write through hadr4j that the new primary acknowledged (0 when a write was acknowledged before the watcher
 * noticed), and the longest call (write or read, through hadr4j) that ended during the change or was still blocked
 * at its end.
 *
 * <p>Over the run: acknowledged writes lost (every acknowledged (writer, seq) is read back from the final primary),
 * and writes that reached a node that was not the newest primary. Each write returns the acknowledging server's port
 * and timeline ({@code inet_server_port()} and the timeline of {@code pg_current_wal_lsn()}); the benchmark keeps the
 * history of primaries (port, timeline, when the watcher saw it writable, when it was superseded). A write is stale
 * when its call started after the primary that acknowledged it was superseded (or when that (port, timeline) never was
 * a primary). A write that started before a promotion and was acknowledged after it by the old primary is not
 * counted: it reached a node that was the newest primary then, and the read-back proves it was not lost.
 *
 * <p>After {@code close()}: threads of hadr4j still alive (by the names the router and the health registry give their
 * threads), connections still borrowed from the pools (HikariPoolMXBean) and still tracked by the router, and the heap
 * after a full GC at the start (after warm-up) and at the end (after the last change, the same workload running).
 */
final class SoakBench {
    /** Between the fault and the promotion, for the kinds where the promotion is forced (as FailoverBench does). */
    private static final long GAP_BEFORE_PROMOTION_MS = 1000;
    /** How long threads and pool connections may take to go after close() before they count as leaked. */
    private static final long SETTLE_MS = 10_000;
    private static final String INSERT = "INSERT INTO soak (writer, seq) VALUES (?, ?) RETURNING inet_server_port(), "
            + "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint";

    private final SoakOptions options;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Writer> writers = new ArrayList<>();
    // The current change: the node expected to become primary, the first write it acknowledged, the longest call.
    private final AtomicInteger watchPort = new AtomicInteger();
    private final AtomicLong firstAckOnNew = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong windowLongestCall = new AtomicLong();
    private final LongAdder windowFailures = new LongAdder();
    private final LongAdder callsOverFailoverTimeout = new LongAdder();
    private long failoverTimeoutNanos;
    // Primaries in order; writes acknowledged by another than the newest are kept to be judged at the end.
    private final List<Epoch> history = new CopyOnWriteArrayList<>();
    private volatile Epoch newest;
    private final ConcurrentLinkedQueue<Suspect> suspects = new ConcurrentLinkedQueue<>();
    private final Map<RouterEvent.Type, LongAdder> events = new EnumMap<>(RouterEvent.Type.class);
    // When the router last routed writes to each endpoint (nanoTime at the listener), to split a recovery into the
    // router's decision and the first write after it.
    private final Map<String, AtomicLong> routedTo = new java.util.concurrent.ConcurrentHashMap<>();

    private SoakBench(SoakOptions options) {
        this.options = options;
        for (RouterEvent.Type t : RouterEvent.Type.values()) {
            events.put(t, new LongAdder());
        }
    }

    static void run(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (!new SoakBench(options).soak()) {
            System.exit(1);
        }
    }

    /** A primary: its server port and timeline, when it was seen writable, and when a newer one was. */
    static final class Epoch {
        final String node;
        final int port;
        volatile long timeline;
        final long sinceNanos;
        volatile long supersededAtNanos = Long.MAX_VALUE;

        Epoch(String node, int port, long timeline, long sinceNanos) {
            this.node = node;
            this.port = port;
            this.timeline = timeline;
            this.sinceNanos = sinceNanos;
        }
    }

    private boolean soak() throws Exception {
        System.out.printf(Locale.ROOT, "soak: %d changes (%s in turn), %d writers + %d readers (pause %d ms between calls), "
                        + "synchronous replication; load average %.2f on %d cores%n",
                options.changes(), options.kinds().stream().map(k -> k.label).toList(), options.writers(), options.readers(),
                options.pauseMs(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        String abort = null;
        SoakFigures figures = new SoakFigures();
        Totals totals;
        long t0 = System.nanoTime();
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().synchronousReplication(true).build().start()) {
            PgNode a = db.nodeA();
            PgNode b = db.nodeB();
            a.execute("CREATE TABLE soak (writer int NOT NULL, seq bigint NOT NULL, PRIMARY KEY (writer, seq))");
            db.awaitReplayed(Duration.ofSeconds(30));
            Epoch first = new Epoch(a.name(), a.port(), a.timeline(), 0);
            history.add(first);
            newest = first;

            RouterConfig config = RouterConfig.custom().localRegion(a.region()).build();
            failoverTimeoutNanos = config.failoverTimeout().toNanos();
            int baselineThreads = libraryThreads(config.name()).size();
            HikariDataSource poolA = pool(a);
            HikariDataSource poolB = pool(b);
            RegionAwareDataSource ds = RegionAwareDataSource.create(config, List.of(Endpoint.of("a", a.region(), poolA),
                    Endpoint.of("b", b.region(), poolB)), this::event);
            System.out.printf(Locale.ROOT, "router: %s; pools: HikariCP maximumPoolSize %d each, otherwise defaults, through the testkit's proxies; "
                            + "%s%n", config, poolA.getMaximumPoolSize(), options.awaitFullPools()
                            ? "each fault waits until the pool of the node to promote holds minimumIdle connections (--await-full-pools true)"
                            : "a fault does not wait for the pools");
            long heapStart;
            long heapEnd;
            long heapAfterFirstCycle = -1; // the first changes fill caches once (new connections, code paths): the trend after them
            try {
                for (int i = 0; i < options.writers(); i++) {
                    Writer w = new Writer(i, ds);
                    writers.add(w);
                    workers.add(w);
                }
                for (int i = 0; i < options.readers(); i++) {
                    workers.add(new Reader(i, ds.readOnly()));
                }
                workers.forEach(Thread::start);
                awaitWarm();
                heapStart = heapAfterFullGc();
                System.out.printf(Locale.ROOT, "warm: heap after full GC %.1f MB%n", heapStart / 1e6);

                try {
                    awaitSynchronous(db.primary());
                    for (int i = 0; i < options.changes(); i++) {
                        figures.add(change(db, i + 1, options.kindOf(i), Map.of(a.name(), poolA, b.name(), poolB)));
                        if ((i + 1) % options.kinds().size() == 0 && i + 1 < options.changes()) {
                            long h = heapAfterFullGc();
                            if (heapAfterFirstCycle < 0) {
                                heapAfterFirstCycle = h;
                            }
                            System.out.printf(Locale.ROOT, "heap after full GC after %d changes: %.1f MB%n", i + 1, h / 1e6);
                        }
                    }
                } catch (Exception e) {
                    abort = e.toString();
                    System.out.println("ABORTED after " + figures.changes().size() + " changes: " + e);
                    e.printStackTrace(System.out);
                }
                heapEnd = heapAfterFullGc();
            } finally {
                workers.forEach(Worker::stopWorking);
                a.proxy().heal();
                b.proxy().heal();
            }
            List<String> stuck = new ArrayList<>();
            long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (Worker w : workers) {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
                if (w.isAlive()) {
                    stuck.add(w.getName());
                }
            }
            ds.close();
            int threadsNow = libraryThreads(config.name()).size() - baselineThreads;
            int trackedNow = BenchAccess.trackedConnections(ds);
            int activeNow = active(poolA) + active(poolB);
            long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
            while (System.nanoTime() < settle && (libraryThreads(config.name()).size() > baselineThreads || active(poolA) + active(poolB) > 0)) {
                Thread.sleep(20);
            }
            List<Thread> left = libraryThreads(config.name());
            int leakedThreads = Math.max(0, left.size() - baselineThreads);
            int tracked = BenchAccess.trackedConnections(ds);
            int activeA = active(poolA);
            int activeB = active(poolB);
            poolA.close();
            poolB.close();

            ReadBack rb = readBack(db.primary());
            long stale = judgeSuspects();
            totals = new Totals(rb.acknowledged, rb.lost, stale, leakedThreads, (long) tracked + activeA + activeB, heapStart, heapEnd);

            System.out.println();
            System.out.printf(Locale.ROOT, "%d changes in %.1f min; load average now %.2f%n", figures.changes().size(),
                    (System.nanoTime() - t0) / 60e9, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            figures.perKind().forEach(System.out::println);
            long writes = writers.stream().mapToLong(w -> w.ok).sum();
            long writeFails = writers.stream().mapToLong(w -> w.failed).sum();
            long reads = workers.stream().filter(w -> w instanceof Reader).mapToLong(w -> w.ok).sum();
            long readFails = workers.stream().filter(w -> w instanceof Reader).mapToLong(w -> w.failed).sum();
            System.out.printf(Locale.ROOT, "calls: %d writes acknowledged, %d failed; %d reads, %d failed; longest blocked call %d ms "
                            + "(failoverTimeout %d ms), calls longer than failoverTimeout %d%n",
                    writes, writeFails, reads, readFails, figures.longestCallMs(), config.failoverTimeout().toMillis(), callsOverFailoverTimeout.sum());
            System.out.printf(Locale.ROOT, "writes: acknowledged %d, lost %d, committed though the call failed %d (outcome unknown to the caller: allowed); "
                            + "acknowledged by a node other than the newest primary %d (of which stale: the call started after that node was superseded: %d)%n",
                    rb.acknowledged, rb.lost, rb.committedUnacknowledged, suspects.size(), stale);
            System.out.printf(Locale.ROOT, "primaries: %s%n", history.stream().map(e -> e.node + "/tl" + e.timeline).toList());
            StringBuilder ev = new StringBuilder("router events:");
            events.forEach((k, v) -> ev.append(' ').append(k).append('=').append(v.sum()));
            System.out.println(ev);
            System.out.printf(Locale.ROOT, "after close(): hadr4j threads alive %d at once, %d after %d s%s; router-tracked connections %d; "
                            + "active pool connections %d at once, %d after (a %d, b %d)%s%n",
                    threadsNow, leakedThreads, SETTLE_MS / 1000, left.isEmpty() ? "" : " " + left.stream().map(SoakBench::describe).toList(),
                    tracked, activeNow, activeA + activeB, activeA, activeB, stuck.isEmpty() ? "" : "; workers still blocked after 60 s: " + stuck);
            if (trackedNow != tracked) {
                System.out.println("router-tracked connections right after close(): " + trackedNow);
            }
            System.out.printf(Locale.ROOT, "heap after full GC: %.1f MB at the start, %.1f MB at the end (%+.1f %%)%s%n",
                    heapStart / 1e6, heapEnd / 1e6, totals.heapGrowthPct(), heapAfterFirstCycle < 0 ? ""
                            : String.format(Locale.ROOT, "; %.1f MB after the first %d changes (%+.1f %% from there to the end)", heapAfterFirstCycle / 1e6,
                            options.kinds().size(), 100.0 * (heapEnd - heapAfterFirstCycle) / heapAfterFirstCycle));
        }
        System.out.println(figures.resultLine(totals));
        return abort == null;
    }

    // ---------------------------------------------------------------- one change

    private Change change(TwoRegionPostgres db, int index, Kind kind, Map<String, HikariDataSource> pools) throws Exception {
        PgNode old = db.primary();
        PgNode next = db.standby();
        awaitSynchronous(old);
        if (options.awaitFullPools()) {
            awaitFullPool(pools.get(next.name()));
        }
        watchPort.set(next.port());
        firstAckOnNew.set(Long.MAX_VALUE);
        windowLongestCall.set(0);
        windowFailures.reset();
        WritableWatcher watcher = new WritableWatcher("soak-watcher", next, at -> promoted(next, at));
        long faultAt = System.nanoTime();
        switch (kind) {
            case SWITCHOVER -> {
                watcher.start();
                db.switchover(); // stops the old primary, promotes, and restarts the old one as a synchronous standby
            }
            case KILL -> {
                old.kill();
                Thread.sleep(GAP_BEFORE_PROMOTION_MS);
                watcher.start();
                db.failover();
            }
            case DEMOTE -> {
                db.demoteInPlace(old);
                Thread.sleep(GAP_BEFORE_PROMOTION_MS);
                watcher.start();
                db.failover();
            }
            case BLACKHOLE -> {
                old.proxy().stall();
                Thread.sleep(GAP_BEFORE_PROMOTION_MS);
                watcher.start();
                db.failover();
            }
        }
        long writableAt = watcher.awaitWritable(90_000);
        newest.timeline = next.timeline();
        long deadline = writableAt + TimeUnit.SECONDS.toNanos(options.maxRecoverySeconds());
        while (firstAckOnNew.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        long firstAck = firstAckOnNew.get();
        long recoveryMs = firstAck == Long.MAX_VALUE ? SoakFigures.NEVER : TimeUnit.NANOSECONDS.toMillis(Math.max(0, firstAck - writableAt));
        long routed = routedTo.computeIfAbsent(next.name(), k -> new AtomicLong()).get(); // endpoint names are the node names
        String routeNote = routed < faultAt ? "router had not routed writes to " + next.name() + " by then"
                : "router routed writes to " + next.name() + " at " + signedMs(routed - writableAt);
        if (kind == Kind.BLACKHOLE) {
            old.proxy().heal(); // the partition ends; the old primary, still on its old timeline, is reachable until re-attached
        }
        if (kind != Kind.SWITCHOVER) {
            db.reattachAsStandby(old);
        }
        awaitSynchronous(next);
        long longest = windowLongestCall.get();
        long now = System.nanoTime();
        for (Worker w : workers) {
            long s = w.callStartedAt;
            if (s != 0) {
                longest = Math.max(longest, now - s); // still blocked: counts for as long as it has been
            }
        }
        Change c = new Change(index, kind, old.name(), next.name(), recoveryMs, TimeUnit.NANOSECONDS.toMillis(longest), windowFailures.sum());
        System.out.println(c.describe() + " (" + routeNote + ")");
        return c;
    }

    private static String signedMs(long nanos) {
        return String.format(Locale.ROOT, "%+d ms", TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    private void event(RouterEvent e) {
        events.get(e.type()).increment();
        if (e.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED && e.writer() != null) {
            routedTo.computeIfAbsent(e.writer(), k -> new AtomicLong()).set(System.nanoTime());
        }
    }

    /** Called by the watcher the moment it sees {@code node} writable. */
    private void promoted(PgNode node, long atNanos) {
        Epoch previous = newest;
        previous.supersededAtNanos = atNanos;
        Epoch e = new Epoch(node.name(), node.port(), -1, atNanos);
        history.add(e);
        newest = e;
    }

    /**
     * Waits until {@code pool} holds its {@code minimumIdle} connections: HikariCP's one connection-adder thread backs
     * off while its server refuses connections, so the pool of a node re-attached a moment ago may still be empty.
     */
    private static void awaitFullPool(HikariDataSource pool) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (pool.getHikariPoolMXBean().getTotalConnections() < pool.getMinimumIdle()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pool.getPoolName() + " did not refill to minimumIdle " + pool.getMinimumIdle()
                        + " within 60 s: " + pool.getHikariPoolMXBean().getTotalConnections() + " connections");
            }
            Thread.sleep(10);
        }
        System.out.printf(Locale.ROOT, "%s full (%d connections) after %d ms%n", pool.getPoolName(),
                pool.getHikariPoolMXBean().getTotalConnections(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Waits until {@code primary} reports a standby that streams and is synchronous. */
    private static void awaitSynchronous(PgNode primary) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = primary.directDataSource().getConnection(); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no synchronous streaming standby on " + primary.name() + " after 60 s");
                }
                Thread.sleep(10);
            }
        }
    }

    private void awaitWarm() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Worker w : workers) {
            while (w.ok < (w instanceof Writer ? 20 : 5)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(w.getName() + " made only " + w.ok + " calls in 60 s before any fault; last error: " + w.lastError);
                }
                Thread.sleep(10);
            }
        }
    }

    // ---------------------------------------------------------------- the workload

    private void callEnded(long nanos, boolean ok) {
        windowLongestCall.accumulateAndGet(nanos, Math::max);
        if (!ok) {
            windowFailures.increment();
        }
        if (nanos > failoverTimeoutNanos) {
            callsOverFailoverTimeout.increment();
        }
    }

    private void acknowledged(int writer, long seq, long callStart, long ackAt, int port, long timeline) {
        if (port == watchPort.get()) {
            firstAckOnNew.accumulateAndGet(ackAt, Math::min);
        }
        Epoch n = newest;
        if (port != n.port || (n.timeline > 0 && timeline < n.timeline)) {
            suspects.add(new Suspect(writer, seq, callStart, port, timeline));
        }
    }

    private long judgeSuspects() {
        List<Primary> primaries = history.stream().map(e -> new Primary(e.node, e.port, e.timeline, e.supersededAtNanos)).toList();
        long stale = 0;
        for (Suspect s : suspects) {
            Primary p = SoakFigures.staleFor(s, primaries).orElse(null);
            if (p != null && stale++ < 10) {
                System.out.printf(Locale.ROOT, "STALE write: writer %d seq %d acknowledged by port %d timeline %d, %s%n", s.writer(), s.seq(),
                        s.port(), s.timeline(), p.node() == null ? "never a primary of this run" : "call started "
                                + TimeUnit.NANOSECONDS.toMillis(s.callStartNanos() - p.supersededAtNanos()) + " ms after " + p.node() + " was superseded");
            }
        }
        return stale;
    }

    /** A thread of the workload: one call at a time, noting when a call is in progress. */
    private abstract class Worker extends Thread {
        volatile boolean running = true;
        volatile long callStartedAt; // 0 when no call is in progress
        volatile long ok;
        volatile long failed;
        volatile String lastError;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public final void run() {
            long pause = TimeUnit.MILLISECONDS.toNanos(options.pauseMs());
            while (running) {
                long t0 = System.nanoTime();
                callStartedAt = t0;
                boolean success = false;
                try {
                    call(t0);
                    success = true;
                    ok++;
                } catch (SQLException | RuntimeException e) {
                    failed++;
                    lastError = e.toString();
                }
                callStartedAt = 0;
                callEnded(System.nanoTime() - t0, success);
                LockSupport.parkNanos(success ? pause : Math.max(pause, 1_000_000)); // a failed call: do not spin
            }
        }

        abstract void call(long startNanos) throws SQLException;

        void stopWorking() {
            running = false;
        }
    }

    /** Inserts (writer, seq) rows; notes every acknowledged seq and the server and timeline that acknowledged it. */
    private final class Writer extends Worker {
        final int id;
        final DataSource ds;
        final BitSet acked = new BitSet(1 << 20); // sized up front: the benchmark's own data does not grow the heap it measures
        long seq;

        Writer(int id, DataSource ds) {
            super("soak-writer-" + id);
            this.id = id;
            this.ds = ds;
        }

        @Override
        void call(long startNanos) throws SQLException {
            long s = ++seq;
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setInt(1, id);
                ps.setLong(2, s);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int port = rs.getInt(1);
                    long timeline = rs.getLong(2);
                    long ackAt = System.nanoTime();
                    acked.set((int) s);
                    acknowledged(id, s, startNanos, ackAt, port, timeline);
                }
            }
        }
    }

    /** Reads through the read view: the newest seq of one writer. */
    private final class Reader extends Worker {
        final DataSource ds;
        final int writer;

        Reader(int id, DataSource ds) {
            super("soak-reader-" + id);
            this.ds = ds;
            this.writer = id % options.writers();
        }

        @Override
        void call(long startNanos) throws SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM soak WHERE writer = ?")) {
                ps.setInt(1, writer);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rs.getLong(1);
                }
            }
        }
    }

    /** Notes when a node first answers as writable, over one direct connection polled every half millisecond. */
    // ---------------------------------------------------------------- end of run

    private record ReadBack(long acknowledged, long lost, long committedUnacknowledged) {
    }

    /** Reads every (writer, seq) from the final primary and compares with what was acknowledged. */
    private ReadBack readBack(PgNode primary) throws SQLException {
        BitSet[] present = new BitSet[writers.size()];
        for (int i = 0; i < present.length; i++) {
            present[i] = new BitSet();
        }
        try (Connection c = primary.directDataSource().getConnection()) {
            c.setAutoCommit(false); // PgJDBC streams with a fetch size only inside a transaction
            try (Statement st = c.createStatement()) {
                st.setFetchSize(50_000);
                try (ResultSet rs = st.executeQuery("SELECT writer, seq FROM soak")) {
                    while (rs.next()) {
                        present[rs.getInt(1)].set((int) rs.getLong(2));
                    }
                }
            }
            c.rollback();
        }
        long acknowledged = 0;
        long lost = 0;
        long extra = 0;
        for (Writer w : writers) {
            acknowledged += w.acked.cardinality();
            BitSet missing = (BitSet) w.acked.clone();
            missing.andNot(present[w.id]);
            if (!missing.isEmpty() && lost < 10) {
                System.out.println("LOST writes of writer " + w.id + ": seq " + missing.stream().limit(10).boxed().toList());
            }
            lost += missing.cardinality();
            BitSet unacked = (BitSet) present[w.id].clone();
            unacked.andNot(w.acked);
            extra += unacked.cardinality();
        }
        return new ReadBack(acknowledged, lost, extra);
    }

    private static HikariDataSource pool(PgNode node) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("soak-" + node.name());
        c.setJdbcUrl(node.jdbcUrl()); // through the testkit's proxy, so that it can be blackholed
        c.setUsername(node.user());
        c.setPassword(node.password());
        c.setMaximumPoolSize(24); // sized for the 20 workers, as a user would: the busy pool is a case of its own
        return new HikariDataSource(c);
    }

    private static int active(HikariDataSource pool) {
        return pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections();
    }

    /**
     * Live threads hadr4j started: the router names its threads {@code <name>-router-N} and {@code <name>-probe-N},
     * the health registry {@code hadr4j-health-...}, the drill {@code hadr4j-drill-...}. The testkit's own
     * ({@code hadr4j-proxy-...}, {@code hadr4j-testkit-...}) are not the library's.
     */
    static List<Thread> libraryThreads(String routerName) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && (n.startsWith(routerName + "-router-") || n.startsWith(routerName + "-probe-")
                    || n.startsWith("hadr4j-health-") || n.startsWith("hadr4j-drill-"))) {
                found.add(t);
            }
        }
        return found;
    }

    private static String describe(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        return t.getName() + " " + t.getState() + (st.length == 0 ? "" : " at " + st[0]);
    }

    /**
     * The heap in use just after a full GC (the smallest of three): what the pools report as used right after the
     * last collection, which leaves out what the running workers allocate between the collection and the reading.
     */
    private static long heapAfterFullGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            ManagementFactory.getMemoryMXBean().gc();
            long used = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage u = p.getType() == MemoryType.HEAP ? p.getCollectionUsage() : null;
                if (u != null) {
                    used += u.getUsed();
                }
            }
            best = Math.min(best, used > 0 ? used : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
