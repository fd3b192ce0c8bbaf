package io.hadr4j.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregated state of a group (or of every check), as the registry last saw it: DOWN when any check in it is
 * DOWN. This is what the servlet renders; it is also there for programmatic use.
 *
 * @param status the aggregate status
 * @param checks each check's last result, in registration order
 */
public record HealthReport(HealthStatus status, List<Entry> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    /** The check with this name, or null. */
    public Entry check(String name) {
        return checks.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * One check's last result.
     *
     * @param name     the check's name
     * @param status   its status
     * @param data     its data (already masked)
     * @param takenAt  when the result was taken, or null while the check has not been evaluated yet
     * @param duration how long the evaluation took (for a timed-out check: the timeout)
     */
    public record Entry(String name, HealthStatus status, Map<String, Object> data, Instant takenAt,
                        Duration duration) {

        public Entry {
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data)); // keeps the check's order
        }

        /** True while the check has not been evaluated yet. */
        public boolean pending() {
            return takenAt == null;
        }
    }
}
