package io.hadr4j.app;

import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoredDatabase;
import io.hadr4j.core.backup.VerificationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The DR drill. A workload sends steady requests through the global entry and writes sequence-numbered rows
 * through the region-aware DataSource while {@link Faults} are injected one step at a time. For each step it
 * measures, per layer, the RTO (from the first failed operation to the first successful one after the last
 * failure) and the RPO (acknowledged writes missing afterwards, and the time span they were acknowledged
 * in), and compares them with the objectives.
 */
final class Drill {
    static final String ENTRY = "entry";
    static final String DB_WRITE = "db-write";
    static final String RESTORE = "restore";
    static final String STOP_APP = "stop region A's app";
    static final String SWITCHOVER = "planned database switchover";
    static final String FAILOVER = "forced database failover (primary killed)";
    static final String RESTORE_STEP = "point-in-time restore before a bad delete";
    private static final Logger log = LoggerFactory.getLogger(Drill.class);

    /** The faults a drill injects; {@code local} does them with the testkit, a real deployment with commands. */
    interface Faults {
        /** Stops region A's app (the entry's priority-1 origin). */
        void stopRegionAApp() throws Exception;

        /** A planned database switchover: nothing acknowledged may be lost. */
        void switchover() throws Exception;

        /** A forced failover: the primary is killed, the standby promoted. */
        void failover() throws Exception;

        /** Why the step named {@code step} (one of the step constants) cannot run here, or null if it can. */
        default String unavailable(String step) {
            return null;
        }

        /** Backups and point-in-time restore of the current primary; null where the drill has none. */
        default BackupService backups() throws Exception {
            return null;
        }

        /** Has the database archive its log now, so that a restore can reach the latest instant (PostgreSQL: switch WAL). */
        default void archiveLog() throws Exception {
        }
    }

    /** Timings and objectives; short timings make a quick drill in tests. */
    record Settings(Duration requestInterval, Duration requestTimeout, Duration settle, Duration stepTimeout,
                    Duration rtoObjective, Duration rpoObjective) {
        static final String USAGE = String.join("\n",
                "  --request-interval D   pause between workload operations per layer (default 100ms)",
                "  --request-timeout D    timeout of one request through the entry (default 2s)",
                "  --settle D             a step ends once every layer has been failure-free this long (default 5s)",
                "  --step-timeout D       longest a step may take to recover (default 5m)",
                "  --rto-objective D      recovery time objective (default 5m)",
                "  --rpo-objective D      recovery point objective (default 1m)");

        static Settings from(Options o) {
            return new Settings(o.duration("request-interval", Duration.ofMillis(100)), o.duration("request-timeout", Duration.ofSeconds(2)),
                    o.duration("settle", Duration.ofSeconds(5)), o.duration("step-timeout", Duration.ofMinutes(5)),
                    o.duration("rto-objective", Duration.ofMinutes(5)), o.duration("rpo-objective", Duration.ofMinutes(1)));
        }
    }

    /** One operation of the workload: when (ms since the drill started), on which layer, and whether it worked. */
    record Sample(long atMillis, String layer, boolean ok, String detail) {
    }

    private final URI entry;
    private final DataSource db;
    private final AppSql sql;
    private final Faults faults;
    private final Settings settings;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString();
    private final long t0 = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    /** Held by each write; the restore step holds it to make the moment before the bad delete quiet. */
    private final ReentrantLock writes = new ReentrantLock(true);
    /** Acknowledged writes: sequence number to the time (ms since start) the commit returned. */
    private final ConcurrentSkipListMap<Long, Long> acknowledged = new ConcurrentSkipListMap<>();
    private final Set<Long> lost = new HashSet<>();
    private volatile boolean running = true;

    Drill(URI entry, DataSource db, AppSql sql, Faults faults, Settings settings, PrintStream out) {
        this.entry = entry;
        this.db = db;
        this.sql = sql;
        this.faults = faults;
        this.settings = settings;
        this.out = out;
    }

    /** Runs the workload and every step, and returns the report. */
    DrillReport run() throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql.drillTable);
        }
        Thread entryLoad = new Thread(this::entryLoad, "drill-entry");
        Thread writeLoad = new Thread(this::writeLoad, "drill-writes");
        entryLoad.start();
        writeLoad.start();
        List<DrillReport.Step> steps = new ArrayList<>();
        try {
            awaitSteady("warm-up");
            steps.add(step(STOP_APP, faults::stopRegionAApp));
            steps.add(step(SWITCHOVER, faults::switchover));
            steps.add(step(FAILOVER, faults::failover));
            steps.add(restoreStep(RESTORE_STEP));
        } finally {
            running = false;
            entryLoad.join(10_000);
            writeLoad.join(10_000);
        }
        return new DrillReport(startedAt, Instant.now(), entry.toString(), settings.rtoObjective().toMillis(),
                settings.rpoObjective().toMillis() / 1000.0, steps, DrillReport.timeline(samples, List.of(ENTRY, DB_WRITE)));
    }

    /** A step's fault. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private DrillReport.Step step(String name, Action action) {
        String unavailable = faults.unavailable(name);
        if (unavailable != null) {
            out.println("step: " + name + " -- " + unavailable);
            return DrillReport.Step.notRun(name, unavailable);
        }
        out.println("step: " + name + " ...");
        long start = now();
        String error = null;
        try {
            action.run();
        } catch (Exception e) {
            error = "the fault could not be injected: " + e;
            log.warn("step '{}' failed", name, e);
        }
        long actionDone = now();
        boolean recovered = awaitSteady(actionDone, start + settings.stepTimeout().toMillis());
        String note = error != null ? error : recovered ? null
                : "did not recover: some layer still failed " + settings.stepTimeout().toSeconds() + " s after the step started";
        return measured(name, start, now(), Map.of(), newlyLostWrites(), error == null && recovered, note);
    }

    /**
     * The step's result: the RTO of the entry and database-write layers within [start, end] plus
     * {@code otherRto}, the RPO of {@code lostWrites}, and whether it met the objectives (and {@code ok}).
     */
    private DrillReport.Step measured(String name, long start, long end, Map<String, Long> otherRto, List<Long> lostWrites,
                                      boolean ok, String note) {
        Map<String, Long> rto = new LinkedHashMap<>();
        rto.put(ENTRY, rtoMillis(ENTRY, start, end));
        rto.put(DB_WRITE, rtoMillis(DB_WRITE, start, end));
        rto.putAll(otherRto);
        double rpoSeconds = lostWrites.isEmpty() ? 0
                : (acknowledged.get(lostWrites.get(lostWrites.size() - 1)) - acknowledged.get(lostWrites.get(0))) / 1000.0;
        boolean passed = ok && rto.values().stream().allMatch(r -> r <= settings.rtoObjective().toMillis())
                && rpoSeconds * 1000 <= settings.rpoObjective().toMillis();
        DrillReport.Step step = new DrillReport.Step(name, true, start, end, rto, lostWrites.size(), rpoSeconds, passed, note);
        out.println("  " + step.summary());
        return step;
    }

    /**
     * A bad delete, then a point-in-time restore of the database as it was just before it, into a new
     * database, verified against what was captured then. The restore layer's RTO runs from the delete to the
     * verified copy; lost writes are acknowledged writes before the restore point that the copy lacks.
     */
    private DrillReport.Step restoreStep(String name) {
        BackupService backups;
        try {
            backups = faults.backups();
        } catch (Exception e) {
            return failed(name, "the backup service could not be set up: " + e);
        }
        if (backups == null) {
            String why = "not run: no backup service for this database (point-in-time restore is implemented for PostgreSQL)";
            out.println("step: " + name + " -- " + why);
            return DrillReport.Step.notRun(name, why);
        }
        out.println("step: " + name + " ...");
        try {
            try {
                backups.takeBackup();
            } catch (UnsupportedOperationException automatic) {
                // the platform backs up by itself (Azure SQL, Autonomous Database): nothing to start
            }
            long start = now();
            Expectations beforeDelete;
            Set<Long> ackedBefore;
            long deleteAt;
            writes.lock();
            try {
                beforeDelete = backups.capture(db, List.of(AppSql.DRILL_TABLE));
                ackedBefore = new HashSet<>(acknowledged.keySet());
                try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(AppSql.DRILL_BAD_DELETE)) {
                    ps.setString(1, runId);
                    ps.executeUpdate();
                }
                deleteAt = now();
            } finally {
                writes.unlock();
            }
            Instant point = beforeDelete.capturedAt().orElseThrow();
            awaitRestorable(backups, point, start + settings.stepTimeout().toMillis());
            String target = "drill-" + runId.substring(0, 8);
            Set<Long> restored = new HashSet<>();
            VerificationResult verification;
            try (RestoredDatabase copy = backups.restore(RestoreRequest.builder().targetName(target).pointInTime(point)
                    .timeout(settings.stepTimeout()).build())) {
                verification = backups.verify(copy, beforeDelete);
                try (Connection c = copy.connect(); PreparedStatement ps = c.prepareStatement(AppSql.DRILL_SELECT)) {
                    ps.setString(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            restored.add(rs.getLong(1));
                        }
                    }
                }
            }
            long end = now();
            List<Long> lostWrites = ackedBefore.stream().filter(seq -> !restored.contains(seq)).sorted().toList();
            return measured(name, start, end, Map.of(RESTORE, end - deleteAt), lostWrites, verification.passed(),
                    "restored to " + point + " as '" + target + "' (" + ackedBefore.size() + " acknowledged rows before the delete); verification: "
                            + (verification.passed() ? "passed, " + verification.checked() + " checks" : verification.toString()));
        } catch (Exception e) {
            log.warn("step '{}' failed", name, e);
            return failed(name, "the restore failed: " + e);
        }
    }

    private DrillReport.Step failed(String name, String why) {
        DrillReport.Step step = new DrillReport.Step(name, true, now(), now(), Map.of(), 0, 0.0, false, why);
        out.println("  " + step.summary());
        return step;
    }

    /** Waits until the restore window reaches {@code point}, asking the database to archive its log now and then. */
    private void awaitRestorable(BackupService backups, Instant point, long deadline) throws Exception {
        long nextArchive = 0;
        while (true) {
            if (now() >= nextArchive) {
                faults.archiveLog();
                nextArchive = now() + 2_000;
            }
            try {
                if (!backups.restoreWindow().latest().isBefore(point)) {
                    return;
                }
            } catch (IllegalStateException e) {
                // nothing restorable yet
            }
            if (now() > deadline) {
                throw new IllegalStateException("the restore window did not reach " + point + " within the step timeout");
            }
            LocalSetup.sleep(100);
        }
    }

    /**
     * Waits until every layer has been free of failures for {@link Settings#settle()} since {@code from} and its
     * latest operation succeeded, or until {@code deadline}; true if it got there.
     */
    private boolean awaitSteady(long from, long deadline) {
        while (now() < deadline) {
            long t = now();
            boolean steady = true;
            for (String layer : List.of(ENTRY, DB_WRITE)) {
                long lastFailure = from;
                Sample last = null;
                for (Sample s : samples) {
                    if (s.layer().equals(layer)) {
                        last = s;
                        if (!s.ok()) {
                            lastFailure = Math.max(lastFailure, s.atMillis());
                        }
                    }
                }
                steady &= last != null && last.ok() && t - lastFailure >= settings.settle().toMillis();
            }
            if (steady) {
                return true;
            }
            LocalSetup.sleep(50);
        }
        return false;
    }

    private void awaitSteady(String phase) {
        if (!awaitSteady(now(), now() + settings.stepTimeout().toMillis())) {
            throw new IllegalStateException("the workload did not run failure-free during " + phase + "; last operations: "
                    + samples.subList(Math.max(0, samples.size() - 6), samples.size()));
        }
    }

    /** First failure to the first success after the last failure, within [start, end]; 0 without failures. */
    private long rtoMillis(String layer, long start, long end) {
        Long firstFailure = null;
        Long lastFailure = null;
        for (Sample s : samples) {
            if (s.layer().equals(layer) && s.atMillis() >= start && s.atMillis() <= end && !s.ok()) {
                firstFailure = firstFailure == null ? s.atMillis() : firstFailure;
                lastFailure = s.atMillis();
            }
        }
        if (firstFailure == null) {
            return 0;
        }
        for (Sample s : samples) {
            if (s.layer().equals(layer) && s.ok() && s.atMillis() > lastFailure && s.atMillis() <= end) {
                return s.atMillis() - firstFailure;
            }
        }
        return end - firstFailure;
    }

    /** Acknowledged writes that the current primary does not have and no earlier step already counted. */
    private List<Long> newlyLostWrites() {
        Set<Long> present = new HashSet<>();
        long deadline = now() + settings.stepTimeout().toMillis();
        while (true) {
            try (Connection c = db.getConnection();
                 PreparedStatement ps = c.prepareStatement(AppSql.DRILL_SELECT)) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        present.add(rs.getLong(1));
                    }
                }
                break;
            } catch (SQLException e) {
                if (now() > deadline) {
                    throw new IllegalStateException("could not read the drill's writes back to count lost ones: " + e.getMessage(), e);
                }
                LocalSetup.sleep(200);
            }
        }
        List<Long> newlyLost = new ArrayList<>();
        for (Long seq : acknowledged.keySet()) {
            if (!present.contains(seq) && lost.add(seq)) {
                newlyLost.add(seq);
            }
        }
        return newlyLost;
    }

    private void entryLoad() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
        URI info = entry.resolve("/api/info");
        while (running) {
            boolean ok;
            String detail;
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(info).timeout(settings.requestTimeout()).build(),
                        HttpResponse.BodyHandlers.discarding());
                ok = r.statusCode() == 200;
                detail = r.statusCode() + " from " + r.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElse("?");
            } catch (IOException e) {
                ok = false;
                detail = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            samples.add(new Sample(now(), ENTRY, ok, detail));
            pause();
        }
    }

    private void writeLoad() {
        long seq = 0;
        while (running) {
            seq++;
            boolean ok;
            String detail;
            writes.lock();
            try (Connection c = db.getConnection();
                 PreparedStatement ps = c.prepareStatement(AppSql.DRILL_INSERT)) {
                ps.setString(1, runId);
                ps.setLong(2, seq);
                ps.executeUpdate();
                acknowledged.put(seq, now());
                ok = true;
                detail = "seq " + seq;
            } catch (SQLException e) {
                ok = false;
                detail = e.getSQLState() + " " + e.getMessage();
            } finally {
                writes.unlock();
            }
            samples.add(new Sample(now(), DB_WRITE, ok, detail));
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(settings.requestInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
