package io.hadr4j.core.drill;

/**
 * One thing a DR drill does to the system under test: stop one region's app, switch the database over, force a
 * failover. The drill measures what the workload sees while the fault acts; the fault itself only acts.
 *
 * <p>Implementations come with the platform they act on: a shell command (ha-core), the local testkit's
 * processes and servers (ha-testkit), Azure App Service and failover groups (ha-azure), OCI Autonomous Data
 * Guard (ha-oci).
 */
public interface Fault {

    /**
     * What the fault does, one line for the report and the log, for example
     * {@code "stop App Service orders-cin (centralindia)"}. Never contains a secret.
     */
    String describe();

    /**
     * Carries the fault out. Returns once the platform has done it (an operation that the platform runs
     * asynchronously is waited for, with a timeout); throws an exception that names what failed otherwise.
     */
    void inject() throws Exception;

    /** Undoes the fault where that means something (start a stopped app again). Does nothing by default. */
    default void heal() throws Exception {
    }

    /**
     * Why this fault cannot run here (for example "no --failover-command given"), or {@code null} when it can.
     * A drill reports a step whose fault is unavailable as not run, instead of failing it.
     */
    default String unavailable() {
        return null;
    }
}
