package io.hadr4j.core.health;

/**
 * The probe a check answers for. A check may belong to several groups; the servlet serves each group under
 * its own sub-path and every check under the servlet's own path.
 */
public enum HealthGroup {
    /** Is the process alive? Never depends on an external system; a restart would fix a DOWN. */
    LIVENESS("live"),
    /** Should the load balancer send traffic here? DOWN while draining or while the database is unusable. */
    READINESS("ready"),
    /** Has the application finished starting? */
    STARTUP("started");

    private final String path;

    HealthGroup(String path) {
        this.path = path;
    }

    /** The sub-path segment under which the servlet serves this group: {@code live}, {@code ready}, {@code started}. */
    public String path() {
        return path;
    }
}
