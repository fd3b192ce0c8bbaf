package io.hadr4j.core.drill;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoredDatabase;
import io.hadr4j.core.backup.VerificationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run of a {@link Drill}: the workload's threads, what they saw ({@link SampleLog}), the acknowledged writes,
 * and the steps, one at a time. For each step it measures, per layer, the RTO (from the first failed operation to
 * the first successful one after the last failure) and the RPO (acknowledged writes missing afterwards, and the time
 * span they were acknowledged in), and compares them with the objectives.
 */
final class DrillRun {
    private static final Logger log = LoggerFactory.getLogger(DrillRun.class);

    private final Drill drill;
    private final Workload workload;
    private final DataSource db;
    private final String runId = UUID.randomUUID().toString();
    private final long t0 = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private final SampleLog samples;
    /** Held by each write; the restore step holds it to make the moment before the bad delete quiet. */
    private final ReentrantLock writes = new ReentrantLock(true);
    private final Acknowledged acknowledged = new Acknowledged();
    /** Acknowledged writes already counted as lost by a step. */
    private final Set<Long> lost = new HashSet<>();
    private volatile boolean running = true;

    DrillRun(Drill drill) {
        this.drill = drill;
        this.workload = drill.workload();
        this.db = workload.writes();
        this.samples = new SampleLog(workload.layers(), this::now);
    }

    /** Runs the workload and every step, and returns the report. */
    DrillReport run() throws InterruptedException {
        if (db != null) {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute(workload.table().createStatement());
            } catch (SQLException e) {
                throw new IllegalStateException("could not create the drill's table " + WriteTable.NAME + ": " + Secrets.safeMessage(e), e);
            }
        }
        List<Thread> load = new ArrayList<>();
        if (workload.entry() != null) {
            load.add(new Thread(this::entryLoad, "hadr4j-drill-entry"));
        }
        if (db != null) {
            load.add(new Thread(this::writeLoad, "hadr4j-drill-writes"));
        }
        List<DrillReport.StepResult> steps = new ArrayList<>();
        try {
            load.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
            awaitSteady("warm-up");
            for (Step step : drill.steps()) {
                DrillReport.StepResult result = step instanceof Step.Inject inject ? inject(inject) : restore((Step.Restore) step);
                steps.add(result);
            }
        } finally {
            running = false;
            for (Thread t : load) {
                t.join(10_000);
            }
        }
        String entry = workload.entry() == null ? null : Secrets.mask(workload.entry().toString());
        return new DrillReport(startedAt, Instant.now(), entry, drill.objectives(), steps, samples.timeline());
    }

    private DrillReport.StepResult inject(Step.Inject step) throws InterruptedException {
        Fault fault = step.fault();
        String unavailable = fault.unavailable();
        if (unavailable != null) {
            progress("step: " + step.name() + " -- " + unavailable);
            return DrillReport.StepResult.notRun(step.name(), unavailable);
        }
        progress("step: " + step.name() + " (" + fault.describe() + ") ...");
        SampleLog.Window window = samples.open();
        try {
            long deadline = window.start() + drill.stepTimeout().toMillis();
            String error = null;
            try {
                fault.inject();
            } catch (Exception e) {
                error = "the fault could not be injected: " + Secrets.mask(e.toString());
                log.warn("step '{}': {}", step.name(), error, e);
            }
            boolean recovered = awaitSteady(now(), deadline);
            if (step.heal() && error == null && recovered) {
                try {
                    fault.heal();
                } catch (Exception e) {
                    error = "the fault could not be healed: " + Secrets.mask(e.toString());
                    log.warn("step '{}': {}", step.name(), error, e);
                }
                recovered = awaitSteady(now(), deadline);
            }
            samples.close(window);
            String note = error != null ? error : recovered ? null
                    : "did not recover: some layer still failed " + drill.stepTimeout().toSeconds() + " s after the step started";
            return measured(step.name(), window, Map.of(), newlyLostWrites(), error == null && recovered, note);
        } finally {
            samples.close(window);
        }
    }

    /**
     * The step's result: the RTO of each layer of the workload within the (closed) window plus {@code otherRto}, the
     * RPO of {@code lostWrites}, and whether it met the objectives (and {@code ok}).
     */
    private DrillReport.StepResult measured(String name, SampleLog.Window window, Map<Layer, Long> otherRto, List<Long> lostWrites,
                                            boolean ok, String note) {
        Map<Layer, Long> rto = new EnumMap<>(Layer.class);
        for (Layer layer : samples.layers()) {
            rto.put(layer, window.rtoMillis(layer));
        }
        rto.putAll(otherRto);
        Long rpoFrom = lostWrites.isEmpty() ? null : acknowledged.at(lostWrites.get(0));
        double rpoSeconds = lostWrites.isEmpty() ? 0 : (acknowledged.at(lostWrites.get(lostWrites.size() - 1)) - rpoFrom) / 1000.0;
        long slowest = rto.values().stream().mapToLong(Long::longValue).max().orElse(0);
        boolean passed = ok && drill.objectives().met(slowest, rpoSeconds);
        DrillReport.StepResult step = new DrillReport.StepResult(name, true, window.start(), window.end(), rto, lostWrites.size(),
                rpoSeconds, rpoFrom, passed, note);
        progress("  " + step.summary());
        return step;
    }

    /**
     * A bad delete, then a point-in-time restore of the database as it was just before it, into a new
     * database, verified against what was captured then. The restore layer's RTO runs from the delete to the
     * verified copy; lost writes are acknowledged writes before the restore point that the copy lacks and that no
     * earlier step lost.
     */
    private DrillReport.StepResult restore(Step.Restore step) {
        String name = step.name();
        BackupService backups;
        try {
            backups = step.backups().call();
        } catch (Exception e) {
            return failed(name, "the backup service could not be set up: " + Secrets.mask(e.toString()));
        }
        if (backups == null) {
            String why = "not run: no backup service for this database";
            progress("step: " + name + " -- " + why);
            return DrillReport.StepResult.notRun(name, why);
        }
        progress("step: " + name + " ...");
        SampleLog.Window window = null;
        try {
            try {
                backups.takeBackup();
            } catch (UnsupportedOperationException automatic) {
                // the platform backs up by itself (Azure SQL, Autonomous Database): nothing to start
            }
            window = samples.open();
            Expectations beforeDelete;
            List<Long> ackedBefore;
            long deleteAt;
            writes.lock();
            try {
                beforeDelete = backups.capture(db, List.of(WriteTable.NAME));
                ackedBefore = acknowledged.all();
                try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(WriteTable.DELETE)) {
                    ps.setString(1, runId);
                    ps.executeUpdate();
                }
                deleteAt = now();
            } finally {
                writes.unlock();
            }
            Instant point = beforeDelete.capturedAt().orElseThrow();
            awaitRestorable(backups, point, window.start() + drill.stepTimeout().toMillis());
            String target = "drill-" + runId.substring(0, 8);
            Set<Long> restored;
            VerificationResult verification;
            try (RestoredDatabase copy = backups.restore(RestoreRequest.builder().targetName(target).pointInTime(point)
                    .timeout(drill.stepTimeout()).build())) {
                verification = backups.verify(copy, beforeDelete);
                try (Connection c = copy.connect()) {
                    restored = rows(c);
                }
            }
            samples.close(window);
            List<Long> lostWrites = newlyLost(ackedBefore, restored); // a write an earlier step lost is not lost again here
            return measured(name, window, Map.of(Layer.RESTORE, window.end() - deleteAt), lostWrites, verification.passed(),
                    "restored to " + point + " as '" + target + "' (" + ackedBefore.size() + " acknowledged rows before the delete); verification: "
                            + (verification.passed() ? "passed, " + verification.checked() + " checks" : verification.toString()));
        } catch (Exception e) {
            log.warn("step '{}' failed", name, e);
            return failed(name, "the restore failed: " + Secrets.mask(e.toString()));
        } finally {
            if (window != null) {
                samples.close(window);
            }
        }
    }

    private DrillReport.StepResult failed(String name, String why) {
        long now = now();
        DrillReport.StepResult step = new DrillReport.StepResult(name, true, now, now, Map.of(), 0, 0.0, false, why);
        progress("  " + step.summary());
        return step;
    }

    /** Waits until the restore window reaches {@code point}, asking the database to archive its log now and then. */
    private void awaitRestorable(BackupService backups, Instant point, long deadline) throws InterruptedException {
        long nextArchive = 0;
        while (true) {
            if (now() >= nextArchive) {
                backups.archiveNow();
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
            Thread.sleep(100);
        }
    }

    /**
     * Waits until every layer has been free of failures for the drill's settle time since {@code from} and its
     * latest operation succeeded, or until {@code deadline}; true if it got there.
     */
    private boolean awaitSteady(long from, long deadline) throws InterruptedException {
        return awaitSteady(from, deadline, drill.settle().toMillis());
    }

    private boolean awaitSteady(long from, long deadline, long settle) throws InterruptedException {
        while (now() < deadline) {
            if (samples.steady(from, settle)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void awaitSteady(String phase) throws InterruptedException {
        if (!awaitSteady(now(), now() + drill.stepTimeout().toMillis(), drill.warmUp().toMillis())) {
            throw new IllegalStateException("the workload did not run failure-free during " + phase + "; last operations: " + samples.recent());
        }
    }

    /** Acknowledged writes that the current primary does not have and no earlier step already counted. */
    private List<Long> newlyLostWrites() throws InterruptedException {
        if (db == null) {
            return List.of();
        }
        // Acknowledged before the rows are read: a write acknowledged while they are read may be missing from what is read.
        List<Long> ackedBefore = acknowledged.all();
        Set<Long> present;
        long deadline = now() + drill.stepTimeout().toMillis();
        while (true) {
            try (Connection c = db.getConnection()) {
                present = rows(c);
                break;
            } catch (SQLException e) {
                if (now() > deadline) {
                    throw new IllegalStateException("could not read the drill's writes back to count lost ones: " + Secrets.safeMessage(e), e);
                }
                Thread.sleep(200);
            }
        }
        return newlyLost(ackedBefore, present);
    }

    /**
     * Those of {@code acked} that {@code present} lacks, except those an earlier step already counted: each lost write
     * counts once, in the step that lost it (a write an asynchronous failover lost is also missing from any later
     * restore, and that is not the restore's loss).
     */
    private List<Long> newlyLost(List<Long> acked, Set<Long> present) {
        List<Long> newlyLost = new ArrayList<>();
        for (long seq : acked) {
            if (!present.contains(seq) && lost.add(seq)) {
                newlyLost.add(seq);
            }
        }
        return newlyLost;
    }

    /** The sequence numbers of this run's rows on {@code c}. */
    private Set<Long> rows(Connection c) throws SQLException {
        Set<Long> seqs = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(WriteTable.SELECT)) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }

    private void entryLoad() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(workload.requestTimeout()).build();
        URI url = workload.entry();
        while (running) {
            boolean ok;
            String detail;
            long started = now();
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(workload.requestTimeout()).build(),
                        HttpResponse.BodyHandlers.discarding());
                ok = r.statusCode() / 100 == 2;
                detail = "HTTP " + r.statusCode();
            } catch (IOException e) {
                ok = false;
                detail = Secrets.mask(e.toString());
            } catch (InterruptedException e) {
                return;
            }
            samples.add(Layer.ENTRY, ok, detail, started);
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
            long started = now();
            try (Connection c = db.getConnection();
                 PreparedStatement ps = c.prepareStatement(WriteTable.INSERT)) {
                ps.setString(1, runId);
                ps.setLong(2, seq);
                ps.executeUpdate();
                long at = now();
                acknowledged.put(seq, at);
                // Acknowledged (and counted in the RPO) however long it took, but a write slower than the timeout is an
                // outage for whoever waited on it: while a DataSource waits for a new primary, writes stall, not fail.
                ok = at - started <= workload.requestTimeout().toMillis();
                detail = ok ? "seq " + seq : "seq " + seq + " acknowledged after " + (at - started) + " ms, over the "
                        + workload.requestTimeout().toMillis() + " ms timeout";
            } catch (SQLException e) {
                ok = false;
                detail = Secrets.safeMessage(e);
            } finally {
                writes.unlock();
            }
            samples.add(Layer.DB_WRITE, ok, detail, started);
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(workload.interval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void progress(String line) {
        drill.progress().accept(line);
    }

    private long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * When each acknowledged write was acknowledged (ms), by sequence number: a growing array, so that recording one
     * costs the same at any length of drill.
     */
    private static final class Acknowledged {
        private long[] at = new long[1024];
        private long max;

        Acknowledged() {
            Arrays.fill(at, -1);
        }

        synchronized void put(long seq, long atMillis) {
            if (seq >= at.length) {
                int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(seq + 1, (long) at.length * 2));
                long old = at.length;
                at = Arrays.copyOf(at, size);
                Arrays.fill(at, (int) old, size, -1);
            }
            at[(int) seq] = atMillis;
            max = Math.max(max, seq);
        }

        synchronized long at(long seq) {
            return at[(int) seq];
        }

        /** Every acknowledged sequence number, ascending. */
        synchronized List<Long> all() {
            List<Long> out = new ArrayList<>();
            for (int s = 1; s <= max; s++) {
                if (at[s] >= 0) {
                    out.add((long) s);
                }
            }
            return out;
        }
    }
}
