package io.hadr4j.core.health;

/** The status of one check or of a group of checks, as in MicroProfile Health. */
public enum HealthStatus {
    UP,
    DOWN;

    /** {@code UP} when {@code up} is true, else {@code DOWN}. */
    public static HealthStatus of(boolean up) {
        return up ? UP : DOWN;
    }
}
