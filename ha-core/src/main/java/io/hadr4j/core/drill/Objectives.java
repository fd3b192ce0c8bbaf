package io.hadr4j.core.drill;

import java.time.Duration;

/**
 * What a step must meet: every layer recovers within {@code rto} (recovery time objective), and the acknowledged
 * writes it loses span at most {@code rpo} (recovery point objective). {@link #of} checks both.
 */
public record Objectives(Duration rto, Duration rpo) {

    /** Five minutes to recover, at most one minute of acknowledged writes lost: the reference app's defaults. */
    public static final Objectives DEFAULT = new Objectives(Duration.ofMinutes(5), Duration.ofMinutes(1));

    public Objectives {
        Check.positive("the RTO objective", rto, "Duration.ofMinutes(5)");
        Check.that(rpo != null && !rpo.isNegative(), "the RPO objective must be zero or positive, got " + rpo
                + "; Duration.ZERO allows no lost write, Duration.ofMinutes(1) a minute of them");
    }

    public static Objectives of(Duration rto, Duration rpo) {
        return new Objectives(rto, rpo);
    }

    /** Whether a step whose slowest layer recovered in {@code rtoMillis} and whose lost writes span {@code rpoSeconds} met both. */
    boolean met(long rtoMillis, double rpoSeconds) {
        return rtoMillis <= rto.toMillis() && rpoSeconds * 1000 <= rpo.toMillis();
    }
}
