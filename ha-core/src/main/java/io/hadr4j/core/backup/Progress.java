package io.hadr4j.core.backup;

/**
 * How far a running backup or restore is.
 *
 * @param operation  backup or restore
 * @param target     the backup id or the restore target's name
 * @param phase      what it is doing, for example {@code copy}, {@code replay}, {@code done}
 * @param bytesDone  bytes handled so far in this phase
 * @param bytesTotal bytes this phase will handle, or -1 when not known in advance
 */
public record Progress(Operation operation, String target, String phase, long bytesDone, long bytesTotal) {
    public enum Operation { BACKUP, RESTORE }

    /** Percent done in this phase (0..100), or -1 when the total is not known. */
    public double percent() {
        if (bytesTotal <= 0) {
            return bytesTotal == 0 ? 100 : -1;
        }
        return Math.min(100.0, 100.0 * bytesDone / bytesTotal);
    }

    @Override
    public String toString() {
        String amount = (bytesDone >> 20) + " MB" + (bytesTotal >= 0
                ? " of " + (bytesTotal >> 20) + " MB (" + Math.round(percent()) + "%)" : "");
        return operation.name().toLowerCase(java.util.Locale.ROOT) + " " + target + ": " + phase + " " + amount;
    }
}
