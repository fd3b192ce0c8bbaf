package io.hadr4j.core.backup;

import org.slf4j.Logger;

import java.util.Objects;

/**
 * For implementations: sends the progress of one backup or restore to a {@link ProgressListener} and to
 * the log, at most about once a second or every 10 percent within a phase, and always on a phase change.
 */
public final class ProgressReporter {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Logger log;
    private final ProgressListener listener;
    private final Progress.Operation operation;
    private final String target;
    private String lastPhase;
    private long lastNanos;
    private double lastPercent = -100;

    public ProgressReporter(Logger log, ProgressListener listener, Progress.Operation operation, String target) {
        this.log = Objects.requireNonNull(log, "log");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.operation = Objects.requireNonNull(operation, "operation");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Reports unless the last report of this phase was very recent; the end of a phase is always reported. */
    public void report(String phase, long bytesDone, long bytesTotal) {
        Progress p = new Progress(operation, target, phase, bytesDone, bytesTotal);
        long now = System.nanoTime();
        boolean changed = !phase.equals(lastPhase);
        boolean due = changed || (p.percent() == 100 && lastPercent < 100)
                || now - lastNanos >= INTERVAL_NANOS || p.percent() - lastPercent >= 10;
        if (!due) {
            return;
        }
        lastPhase = phase;
        lastNanos = now;
        lastPercent = p.percent();
        log.info("{}", p);
        try {
            listener.onProgress(p);
        } catch (RuntimeException e) {
            log.warn("progress listener failed on {}; ignored", p, e);
        }
    }
}
