package io.hadr4j.core.health;

import java.util.Set;

/**
 * A check in the {@link HealthGroup#STARTUP} group that is DOWN until the application calls
 * {@link #markStarted()}. Once registered, {@code markStarted()} is reflected at once (the registry re-evaluates
 * it without waiting for the next round).
 */
public final class StartupHealthCheck implements HealthCheck {

    private final String name;
    private volatile boolean started;
    private volatile Runnable onChange = () -> { };

    StartupHealthCheck(String name) {
        this.name = HealthChecks.requireName(name);
    }

    /** Says that the application has started: the check turns UP. */
    public void markStarted() {
        started = true;
        onChange.run();
    }

    public boolean isStarted() {
        return started;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<HealthGroup> groups() {
        return Set.of(HealthGroup.STARTUP);
    }

    @Override
    public HealthResult check() {
        return HealthResult.of(HealthStatus.of(started)).withData("started", started);
    }

    /** Called by the registry on registration so that {@link #markStarted()} is reflected at once. */
    void onChange(Runnable action) {
        this.onChange = action;
    }

    @Override
    public String toString() {
        return "HealthCheck[" + name + " [STARTUP]]";
    }
}
