package io.hadr4j.core.backup;

import java.time.Instant;
import java.util.Objects;

/** The instants a restore can target now, both ends included. */
public record RestoreWindow(Instant earliest, Instant latest) {
    public RestoreWindow {
        Objects.requireNonNull(earliest, "earliest");
        Objects.requireNonNull(latest, "latest");
        if (latest.isBefore(earliest)) {
            throw new IllegalArgumentException("restore window ends (" + latest + ") before it starts (" + earliest + ")");
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(earliest) && !t.isAfter(latest);
    }

    /** {@code [earliest, latest]}, as the messages of rejected requests show it. */
    @Override
    public String toString() {
        return "[" + earliest + ", " + latest + "]";
    }
}
