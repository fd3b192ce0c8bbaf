package io.hadr4j.core.health;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One small health contributor. The {@link HealthRegistry} calls {@link #check()} in the background, on its own
 * thread, with a timeout; a check may block (a database round trip) but should honour interruption where it can.
 * A check that throws is DOWN with the exception in its data.
 */
public interface HealthCheck {

    /** A unique name within a registry; the {@code name} in the JSON. Read once, by {@link HealthRegistry#register}. */
    String name();

    /** The groups (probes) this check belongs to; never empty. Read once, by {@link HealthRegistry#register}, and kept. */
    Set<HealthGroup> groups();

    /** Evaluates the check. */
    HealthResult check() throws Exception;

    /** A check from a name, its groups and a body. */
    static HealthCheck of(String name, Set<HealthGroup> groups, Callable<HealthResult> body) {
        Objects.requireNonNull(body, "body");
        String checkedName = HealthChecks.requireName(name);
        Set<HealthGroup> checkedGroups = HealthChecks.requireGroups(groups);
        return new HealthCheck() {
            @Override
            public String name() {
                return checkedName;
            }

            @Override
            public Set<HealthGroup> groups() {
                return checkedGroups;
            }

            @Override
            public HealthResult check() throws Exception {
                return body.call();
            }

            @Override
            public String toString() {
                return "HealthCheck[" + checkedName + " " + checkedGroups + "]";
            }
        };
    }

    /** A check from a name, one group and a body. */
    static HealthCheck of(String name, HealthGroup group, Callable<HealthResult> body) {
        return of(name, EnumSet.of(Objects.requireNonNull(group, "group")), body);
    }
}
