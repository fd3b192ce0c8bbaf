package io.hadr4j.core.health;

import java.util.Map;
import java.util.function.Predicate;

/**
 * Decides from a database check's data whether the application is ready. The check reports
 * {@value #READABLE} and {@value #WRITABLE} (booleans) in its data; the policy turns them into UP or DOWN.
 */
public enum ReadinessPolicy implements Predicate<Map<String, ?>> {
    /** Ready only while a writable primary is reachable (the default). */
    REQUIRE_WRITABLE {
        @Override
        public boolean test(Map<String, ?> data) {
            return Boolean.TRUE.equals(data.get(WRITABLE));
        }
    },
    /** Stay ready in read-only degraded mode: ready while the database can at least be read. */
    ALLOW_READ_ONLY {
        @Override
        public boolean test(Map<String, ?> data) {
            return Boolean.TRUE.equals(data.get(READABLE)) || Boolean.TRUE.equals(data.get(WRITABLE));
        }
    };

    /** Data key: the database accepted a connection and answered. */
    public static final String READABLE = "readable";
    /** Data key: the database accepts writes (it is a primary and not read-only). */
    public static final String WRITABLE = "writable";

    /** The status this policy gives to a check that reported {@code data}. */
    public HealthStatus statusOf(Map<String, ?> data) {
        return HealthStatus.of(test(data));
    }
}
