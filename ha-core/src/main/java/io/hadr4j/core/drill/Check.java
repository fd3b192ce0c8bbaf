package io.hadr4j.core.drill;

import java.time.Duration;

/** The drill's configuration checks: an {@link IllegalArgumentException} whose message says what to change. */
final class Check {
    private Check() {
    }

    static void that(boolean ok, String otherwise) {
        if (!ok) {
            throw new IllegalArgumentException(otherwise);
        }
    }

    static void positive(String what, Duration d, String example) {
        that(d != null && !d.isNegative() && !d.isZero(), what + " must be positive, got " + d + "; for example " + example);
    }
}
